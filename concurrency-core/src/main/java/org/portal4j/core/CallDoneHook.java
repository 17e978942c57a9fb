package org.portal4j.core;

import org.jspecify.annotations.Nullable;

/**
 * How portal4j's own waiters hear that a {@link CapturedCall} ended: a done callback that is the
 * waiter itself and its own node on the call's done stack ({@link CapturedCall#pushDoneHook}), so
 * that waiting for a call allocates nothing to watch it. The node's item is the hook until the hook
 * runs or is withdrawn, then null. Package-private: nothing outside the runtime can be one.
 */
abstract class CallDoneHook extends CapturedCall.Node {

  CallDoneHook() {
    super(); // its own item
  }

  /** The call is done; runs like a done callback (once, on the thread that ended the call). */
  abstract void callEnded();

  /** The next hook below this one on its call's done stack that has not run or been withdrawn. */
  final @Nullable CallDoneHook nextPendingHook() {
    CapturedCall.Node below = next;
    return below == null ? null : pendingFrom(below);
  }

  /** The first hook from {@code node} down that has not run or been withdrawn, or null. */
  static @Nullable CallDoneHook pendingFrom(CapturedCall.Node node) {
    for (CapturedCall.Node n = node; n != null; n = n.next) {
      if (n instanceof CallDoneHook && n.item != null) {
        return (CallDoneHook) n;
      }
    }
    return null;
  }
}

package org.portal4j.core;

/**
 * How portal4j's own waiters hear that a {@link CapturedCall} ended: a done callback that is the
 * waiter itself, so that waiting for a call costs no callback object per call ({@link
 * CapturedCall#addDoneHook}). Package-private: nothing outside the runtime can be one.
 */
interface CallDoneHook {

  /** The call is done; runs like a done callback (once, on the thread that ended the call). */
  void callEnded();
}

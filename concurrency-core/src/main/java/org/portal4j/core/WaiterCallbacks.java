package org.portal4j.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;

/**
 * The callbacks a waiter holds, guarded by its lock: those submitted and not yet handed to whatever
 * runs them, those handed over and perhaps not done (async ones outlive {@code run()}), and its
 * done callbacks. Most waiters get no callback, so a waiter makes this on its first one, and each
 * collection here is made on its own first one.
 */
final class WaiterCallbacks {

  private @Nullable ArrayDeque<Call<?>> queued;
  private @Nullable List<Call<?>> started;
  private @Nullable List<Call<?>> done;

  void queue(Call<?> callback) {
    if (queued == null) {
      queued = new ArrayDeque<>(2);
    }
    queued.add(callback);
  }

  boolean hasQueued() {
    return queued != null && !queued.isEmpty();
  }

  /** Takes the next queued callback and records it as handed over, or null. */
  @Nullable Call<?> takeQueued() {
    Call<?> next = queued == null ? null : queued.poll();
    if (next != null) {
      markStarted(next);
    }
    return next;
  }

  /** Takes every queued callback, in order, and records them as handed over. */
  List<Call<?>> takeAllQueued() {
    if (queued == null || queued.isEmpty()) {
      return List.of();
    }
    List<Call<?>> taken = new ArrayList<>(queued);
    queued.clear();
    for (Call<?> callback : taken) {
      markStarted(callback);
    }
    return taken;
  }

  private void markStarted(Call<?> callback) {
    if (started == null) {
      started = new ArrayList<>(2);
    } else {
      started.removeIf(Call::isDone);
    }
    started.add(callback);
  }

  /**
   * The callbacks handed over so far, perhaps not done.
   *
   * @param forget whether to forget them too
   */
  List<Call<?>> started(boolean forget) {
    if (started == null || started.isEmpty()) {
      return List.of();
    }
    List<Call<?>> copy = new ArrayList<>(started);
    if (forget) {
      started.clear();
    }
    return copy;
  }

  /** The queued and the handed-over callbacks, to cancel with the waited call. */
  List<Call<?>> queuedAndStarted() {
    List<Call<?>> all = new ArrayList<>();
    if (queued != null) {
      all.addAll(queued);
    }
    if (started != null) {
      all.addAll(started);
    }
    return all;
  }

  void addDone(Call<?> callback) {
    if (done == null) {
      done = new ArrayList<>(2);
    }
    done.add(callback);
  }

  /** Takes the done callbacks, in the order they were added. */
  List<Call<?>> takeDone() {
    List<Call<?>> taken = done;
    done = null;
    return taken == null ? List.of() : taken;
  }
}

package org.portal4j.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.Waiter;
import org.portal4j.spi.ThreadBoundPortal;

/**
 * What both waiters share: registration, the callback queue, done callbacks, and the rule that one
 * lock guards the queue and the waiter's flags (the sync waiters of one thread share theirs), and
 * the waited call's done hook takes it too. So a callback is either queued before the call is seen
 * done (and runs) or rejected (and the submitter knows): none is silently dropped. Subclasses
 * decide where and when callbacks run.
 */
abstract class AbstractWaiter<T extends @Nullable Object>
    implements Waiter<T>, ThreadBoundPortal, CallDoneHook {

  final Call<T> call;
  final Thread owner;
  final WaiterRegistry registry;
  final ReentrantLock lock;

  // guarded by lock; most waiters get no callback, so both collections are made on the first one
  /** Callbacks submitted and not yet handed to whatever runs them. */
  private @Nullable ArrayDeque<Call<?>> queued;

  /** Callbacks handed over and perhaps not done yet (async ones outlive run()). */
  private @Nullable List<Call<?>> started;

  boolean callDone;
  private @Nullable List<Call<?>> doneCallbacks; // made on the first one
  private boolean ended;

  AbstractWaiter(Call<T> call, WaiterRegistry registry, ReentrantLock lock) {
    this.call = call;
    this.owner = Thread.currentThread();
    this.registry = registry;
    this.lock = lock;
  }

  /**
   * Makes the fully constructed waiter visible (registered for its owner and call), then starts
   * watching the call; the subclasses' factories call it last. Registered first, so a call that is
   * done already deregisters it at once.
   *
   * @throws IllegalStateException if the call already has a waiter
   */
  final void publish() {
    registry.register(this);
    if (call instanceof CapturedCall) {
      ((CapturedCall<T>) call).addDoneHook(this);
    } else {
      call.addDoneCallback(done -> callEnded());
    }
  }

  /**
   * Takes a submitted callback; the lock is held.
   *
   * @return whether {@link #handOver()} must run once the lock is released
   */
  abstract boolean accept(Call<?> callback);

  /** Hands accepted callbacks to whatever runs them; outside the lock. Nothing by default. */
  void handOver() {}

  /**
   * Reacts to the call being done while the lock is held.
   *
   * @return whether waiting has started (so waiting, not the call, ends the registration)
   */
  abstract boolean callDoneLocked();

  /** Reacts to the call being done after the lock is released, if waiting had started. */
  abstract void callDoneWhileWaiting();

  /** The waited call is done: once, on the thread that ended it (or at once, if it had). */
  @Override
  public final void callEnded() {
    List<Call<?>> toCancel = List.of();
    boolean waiting;
    lock.lock();
    try {
      callDone = true;
      if (call.isCancelled() && (queued != null || started != null)) {
        toCancel = new ArrayList<>();
        if (queued != null) {
          toCancel.addAll(queued);
        }
        if (started != null) {
          toCancel.addAll(started);
        }
      }
      waiting = callDoneLocked();
    } finally {
      lock.unlock();
    }
    for (Call<?> callback : toCancel) {
      callback.cancel(); // waiting never outlasts the call
    }
    if (waiting) {
      callDoneWhileWaiting();
    } else {
      registry.deregister(this);
    }
  }

  @Override
  public final <C extends @Nullable Object> Call<C> submit(Call<C> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    boolean handOver;
    lock.lock();
    try {
      if (callDone || call.isDone()) {
        throw new IllegalStateException(
            "Cannot submit " + callback + " to the waiter of " + call + ": the call is done");
      }
      callback.setRunner(this);
      handOver = accept(callback);
    } finally {
      lock.unlock();
    }
    if (handOver) {
      handOver();
    }
    return callback;
  }

  /** Queues a submitted callback; the lock is held. */
  final void queueLocked(Call<?> callback) {
    if (queued == null) {
      queued = new ArrayDeque<>(2);
    }
    queued.add(callback);
  }

  /** Whether a submitted callback waits to be handed over; the lock is held. */
  final boolean hasQueuedLocked() {
    return queued != null && !queued.isEmpty();
  }

  /** Takes the next queued callback and records it as handed over, or null; the lock is held. */
  final @Nullable Call<?> takeQueuedLocked() {
    Call<?> next = queued == null ? null : queued.poll();
    if (next != null) {
      markStarted(next);
    }
    return next;
  }

  /** Takes every queued callback, in order, and records them as handed over; the lock is held. */
  final List<Call<?>> takeAllQueuedLocked() {
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

  /** Records {@code callback} as handed over; the lock is held. */
  private void markStarted(Call<?> callback) {
    if (started == null) {
      started = new ArrayList<>(2);
    } else {
      started.removeIf(Call::isDone);
    }
    started.add(callback);
  }

  /**
   * The callbacks handed over so far, perhaps not done; the lock is held.
   *
   * @param forget whether to forget them too
   */
  final List<Call<?>> startedLocked(boolean forget) {
    if (started == null || started.isEmpty()) {
      return List.of();
    }
    List<Call<?>> copy = new ArrayList<>(started);
    if (forget) {
      started.clear();
    }
    return copy;
  }

  @Override
  public final void addDoneCallback(Call<?> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    lock.lock();
    try {
      if (ended) {
        throw new IllegalStateException(
            "Cannot add a done callback to the waiter of " + call + ": waiting has ended");
      }
      callback.setRunner(this);
      if (doneCallbacks == null) {
        doneCallbacks = new ArrayList<>(2);
      }
      doneCallbacks.add(callback);
    } finally {
      lock.unlock();
    }
  }

  /** Marks waiting as ended and hands out the done callbacks, once. */
  final List<Call<?>> endWaiting() {
    lock.lock();
    try {
      ended = true;
      List<Call<?>> callbacks = doneCallbacks;
      doneCallbacks = null;
      return callbacks == null ? List.of() : callbacks;
    } finally {
      lock.unlock();
    }
  }

  /** Forgets a waiter that will never wait because its call could not be submitted. */
  final void abandon() {
    endWaiting();
    registry.deregister(this);
  }

  @Override
  public final Call<T> call() {
    return call;
  }

  @Override
  public final Thread owner() {
    return owner;
  }

  @Override
  public final boolean isCallDone() {
    return call.isDone();
  }

  @Override
  public String toString() {
    return name();
  }
}

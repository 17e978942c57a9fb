package org.portal4j.core;

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
 *
 * <p>A waiter of a {@link CapturedCall} is that hook itself, a node on the call's done stack, and
 * the registry's entry for the call as long as it is not done: a sync waiter is 48 bytes, and
 * waiting for a call allocates nothing else. Fields are counted: one more would make every waiter
 * 56.
 */
abstract class AbstractWaiter<T extends @Nullable Object> extends CallDoneHook
    implements Waiter<T>, ThreadBoundPortal {

  final Call<T> call;
  final Thread owner;
  final WaiterRegistry registry;
  final ReentrantLock lock;

  // guarded by lock
  /** Made on the first callback: most waiters get none. */
  private @Nullable WaiterCallbacks callbacks;

  boolean callDone;

  /** {@link #hold()}: {@link #publish} has not decided yet whether the waiter holds its call. */
  static final byte DECIDING = 0;

  /** {@link #hold()}: the waiter holds its call, the one waiter it may have. */
  static final byte HOLDS = 1;

  /**
   * {@link #hold()}: its waiting ended. Before its call was done, it left the call to another;
   * after, it holds the call until it is deregistered, running its done callbacks.
   */
  static final byte ENDED = 2;

  /** {@link #hold()}: the waiter was refused: another one holds its call. */
  static final byte REFUSED = 3;

  /**
   * {@link #DECIDING}, {@link #HOLDS}, {@link #ENDED} or {@link #REFUSED}. Written by the owner
   * (under the lock once published); volatile for the registry, which reads it without.
   */
  private volatile byte hold;

  AbstractWaiter(Call<T> call, WaiterRegistry registry, ReentrantLock lock) {
    this.call = call;
    this.owner = Thread.currentThread();
    this.registry = registry;
    this.lock = lock;
  }

  /**
   * Makes the fully constructed waiter visible (registered for its owner and call) and watching the
   * call; the subclasses' factories call it last. Registered first, so a call that is done already
   * deregisters it at once.
   *
   * @throws IllegalStateException if the call already has a waiter
   */
  final void publish() {
    if (call instanceof CapturedCall) {
      CapturedCall<T> captured = (CapturedCall<T>) call;
      captured.doneHookAdded(this, registry.registerAsHook(this, captured));
    } else {
      registry.register(this);
      decided(true);
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
  final void callEnded() {
    List<Call<?>> toCancel = List.of();
    boolean waiting;
    lock.lock();
    try {
      callDone = true;
      if (call.isCancelled() && callbacks != null) {
        toCancel = callbacks.queuedAndStarted();
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

  /** {@link #DECIDING}, {@link #HOLDS}, {@link #ENDED} or {@link #REFUSED}. */
  final byte hold() {
    return hold;
  }

  /** The registry decided: the waiter holds its call ({@code true}), or it is refused. */
  final void decided(boolean holds) {
    hold = holds ? HOLDS : REFUSED;
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

  /** The waiter's callbacks, made now if they were not; the lock is held. */
  private WaiterCallbacks callbacksLocked() {
    WaiterCallbacks c = callbacks;
    if (c == null) {
      c = new WaiterCallbacks();
      callbacks = c;
    }
    return c;
  }

  /** Queues a submitted callback; the lock is held. */
  final void queueLocked(Call<?> callback) {
    callbacksLocked().queue(callback);
  }

  /** Whether a submitted callback waits to be handed over; the lock is held. */
  final boolean hasQueuedLocked() {
    return callbacks != null && callbacks.hasQueued();
  }

  /** Takes the next queued callback and records it as handed over, or null; the lock is held. */
  final @Nullable Call<?> takeQueuedLocked() {
    return callbacks == null ? null : callbacks.takeQueued();
  }

  /** Takes every queued callback, in order, and records them as handed over; the lock is held. */
  final List<Call<?>> takeAllQueuedLocked() {
    return callbacks == null ? List.of() : callbacks.takeAllQueued();
  }

  /**
   * The callbacks handed over so far, perhaps not done; the lock is held.
   *
   * @param forget whether to forget them too
   */
  final List<Call<?>> startedLocked(boolean forget) {
    return callbacks == null ? List.of() : callbacks.started(forget);
  }

  @Override
  public final void addDoneCallback(Call<?> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    lock.lock();
    try {
      if (hold >= ENDED) {
        throw new IllegalStateException(
            "Cannot add a done callback to the waiter of " + call + ": waiting has ended");
      }
      callback.setRunner(this);
      callbacksLocked().addDone(callback);
    } finally {
      lock.unlock();
    }
  }

  /** Marks waiting as ended and hands out the done callbacks, once. */
  final List<Call<?>> endWaiting() {
    lock.lock();
    try {
      hold = ENDED;
      return callbacks == null ? List.of() : callbacks.takeDone();
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

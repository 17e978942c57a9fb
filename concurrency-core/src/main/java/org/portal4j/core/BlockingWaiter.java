package org.portal4j.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.portal4j.spi.ThreadBoundPortal;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.SyncWaiter;

/**
 * The runtime's {@link SyncWaiter}. One lock guards the callback queue and the waiter's flags, and
 * the waited call's done hook takes it too, so a callback is either queued before the call is
 * seen done (and runs) or rejected (and the submitter knows): none is silently dropped.
 */
final class BlockingWaiter<T> implements SyncWaiter<T>, ThreadBoundPortal {

  private final Call<T> call;
  private final Thread owner;
  private final WaiterRegistry registry;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // guarded by lock
  private final ArrayDeque<Call<?>> queue = new ArrayDeque<>();
  /** Callbacks taken from the queue and perhaps not done yet (async ones outlive run()). */
  private final List<Call<?>> started = new ArrayList<>();
  private List<Call<?>> doneCallbacks = new ArrayList<>();
  private boolean callDone;
  private boolean awaiting;
  private boolean ended;

  BlockingWaiter(Call<T> call, WaiterRegistry registry) {
    this.call = call;
    this.owner = Thread.currentThread();
    this.registry = registry;
    registry.register(this);
    call.addDoneCallback(done -> onCallDone());
  }

  private void onCallDone() {
    List<Call<?>> toCancel = List.of();
    boolean neverAwaited;
    lock.lock();
    try {
      callDone = true;
      if (call.isCancelled()) {
        toCancel = new ArrayList<>(queue);
        toCancel.addAll(started);
      }
      neverAwaited = !awaiting;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    for (Call<?> callback : toCancel) {
      callback.cancel();
    }
    if (neverAwaited) {
      registry.deregister(this);
    }
  }

  @Override
  public <C> Call<C> submit(Call<C> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    lock.lock();
    try {
      if (callDone || call.isDone()) {
        throw new IllegalStateException(
            "Cannot submit " + callback + " to the waiter of " + call + ": the call is done");
      }
      callback.setRunner(this);
      queue.add(callback);
      changed.signal();
    } finally {
      lock.unlock();
    }
    return callback;
  }

  @Override
  public Call<T> await() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "Only the owner " + owner.getName() + " may await the waiter of " + call);
    }
    lock.lock();
    try {
      if (awaiting) {
        throw new IllegalStateException("The waiter of " + call + " was already awaited");
      }
      awaiting = true;
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    try {
      if (!call.isDone() && call instanceof CapturedCall) {
        ((CapturedCall<?>) call).checkCanFinishWithoutUs();
      }
      while (true) {
        Call<?> next;
        try {
          next = nextCallback();
        } catch (InterruptedException e) {
          interrupted = true;
          call.cancel();
          continue;
        }
        if (next == null) {
          break;
        }
        next.run();
      }
      for (Call<?> callback : startedSnapshot()) {
        interrupted |= waitFor(callback);
      }
      for (Call<?> callback : endWaiting()) {
        callback.run();
        interrupted |= waitFor(callback);
      }
    } finally {
      endWaiting();
      registry.deregister(this);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (interrupted && call.isCancelled()) {
      throw new CallCancelledException(
          owner.getName() + " was interrupted while waiting for " + call + "; the call was cancelled");
    }
    return call;
  }

  /** Forgets a waiter that will never be awaited because its call could not be submitted. */
  void abandon() {
    endWaiting();
    registry.deregister(this);
  }

  /** The next queued callback, or null once the call is done and the queue is empty. */
  private Call<?> nextCallback() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !callDone) {
        changed.await();
      }
      Call<?> next = queue.poll();
      if (next != null) {
        started.removeIf(Call::isDone);
        started.add(next);
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  private List<Call<?>> startedSnapshot() {
    lock.lock();
    try {
      return new ArrayList<>(started);
    } finally {
      lock.unlock();
    }
  }

  /** Marks waiting as ended and hands out the done callbacks, once. */
  private List<Call<?>> endWaiting() {
    lock.lock();
    try {
      ended = true;
      List<Call<?>> callbacks = doneCallbacks;
      doneCallbacks = List.of();
      return callbacks;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for an async callback to finish. An interrupt cancels it.
   *
   * @return whether the thread was interrupted meanwhile
   */
  private static boolean waitFor(Call<?> callback) {
    boolean interrupted = false;
    while (true) {
      try {
        callback.toCompletableFuture().get();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
        callback.cancel();
      } catch (ExecutionException | CancellationException e) {
        return interrupted; // its outcome is its submitter's business
      }
    }
  }

  @Override
  public Call<T> call() {
    return call;
  }

  @Override
  public Thread owner() {
    return owner;
  }

  @Override
  public boolean isCallDone() {
    return call.isDone();
  }

  @Override
  public void addDoneCallback(Call<?> callback) {
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
      doneCallbacks.add(callback);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean runsOnlyOn(Thread thread) {
    return thread == owner;
  }

  @Override
  public String name() {
    return "SyncWaiter[" + call.name() + " on " + owner.getName() + "]";
  }

  @Override
  public String toString() {
    return name();
  }
}

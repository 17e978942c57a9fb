package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.SyncWaiter;

/** The runtime's {@link SyncWaiter}: callbacks run on the owner thread inside {@link #await()}. */
final class BlockingWaiter<T> extends AbstractWaiter<T> implements SyncWaiter<T> {

  private final Condition changed = lock.newCondition();
  private boolean awaiting; // guarded by lock

  private BlockingWaiter(Call<T> call, WaiterRegistry registry) {
    super(call, registry);
  }

  /** A new waiter owned by the current thread, registered once fully constructed. */
  static <T> BlockingWaiter<T> register(Call<T> call, WaiterRegistry registry) {
    BlockingWaiter<T> waiter = new BlockingWaiter<>(call, registry);
    waiter.publish();
    return waiter;
  }

  @Override
  boolean accept(Call<?> callback) {
    queued.add(callback);
    changed.signal();
    return false;
  }

  @Override
  boolean callDoneLocked() {
    changed.signalAll();
    return awaiting;
  }

  @Override
  void callDoneWhileWaiting() {
    // await() notices by itself
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
        if (endedByInterrupt(next)) { // the callback took the owner's interrupt: it is ours too
          interrupted = true;
          call.cancel();
        }
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
          owner.getName()
              + " was interrupted while waiting for "
              + call
              + "; the call was cancelled");
    }
    return call;
  }

  /** The next queued callback, or null once the call is done and the queue is empty. */
  private Call<?> nextCallback() throws InterruptedException {
    lock.lock();
    try {
      while (queued.isEmpty() && !callDone) {
        changed.await();
      }
      Call<?> next = queued.poll();
      if (next != null) {
        markStarted(next);
      }
      return next;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a callback failed with an interrupt of the owner thread (not its own cancel). */
  private static boolean endedByInterrupt(Call<?> callback) {
    if (!callback.isDone() || callback.isCancelled()) {
      return false;
    }
    Throwable failure = callback.toCompletableFuture().handle((value, error) -> error).getNow(null);
    return failure instanceof InterruptedException;
  }

  private List<Call<?>> startedSnapshot() {
    lock.lock();
    try {
      return new ArrayList<>(started);
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
  public boolean runsOnlyOn(Thread thread) {
    return thread == owner;
  }

  @Override
  public String name() {
    return "SyncWaiter[" + call.name() + " on " + owner.getName() + "]";
  }
}

package org.portal4j.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.internal.SpinWait;

/**
 * The runtime's {@link SyncWaiter}: callbacks run on the owner thread inside {@link #await()}.
 *
 * <p>The sync waiters of one thread share one lock and one signal count (their {@link Station}), so
 * that the wait the thread is in also runs callbacks sent to the thread's outer waiters (those made
 * before it, which wait further down the stack): a callback sent to an outer waiter while the owner
 * waits in a nested one runs from the nested wait, its own waiter's callbacks first, then the outer
 * ones from the innermost out, instead of sitting where nobody looks.
 */
final class BlockingWaiter<T extends @Nullable Object> extends AbstractWaiter<T>
    implements SyncWaiter<T> {

  /**
   * What the sync waiters of one thread share: the lock, and a count of signals its owner parks on.
   * Only the owner waits; anyone holding the lock signals. Package-private, with a timed wait, for
   * the jcstress test of its handshake ({@code SyncWaiterSignalWakesOwnerTest}).
   */
  static final class Station {
    static final ThreadLocal<Station> OF_THREAD = ThreadLocal.withInitial(Station::new);

    final ReentrantLock lock = new ReentrantLock();

    /** Counts the signals: written under the lock, read by the owner without it. */
    private volatile int signals;

    /** The owner while it parks (or is about to), else null. */
    private volatile @Nullable Thread parked;

    /** Something the owner may be waiting for happened; the lock is held. */
    void signalLocked() {
      signals++;
      Thread waiting = parked; // read after the count is written: see awaitSignal
      if (waiting != null) {
        LockSupport.unpark(waiting);
      }
    }

    /** The signal count now: a later {@link #awaitSignal} waits for it to move. */
    int signals() {
      return signals;
    }

    /**
     * Parks the calling owner until a signal comes after the count was {@code seen}, or {@code
     * nanos} pass (0: no limit). The owner names itself before it looks at the count, and a signal
     * writes the count before it looks for a parked owner: one of the two sees the other, so no
     * signal is lost. No allocation, unlike a {@code Condition}'s node per wait.
     *
     * @return whether a signal came
     * @throws InterruptedException if the owner is interrupted, which clears its flag
     */
    boolean awaitSignal(int seen, long nanos) throws InterruptedException {
      long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
      parked = Thread.currentThread();
      try {
        while (signals == seen) {
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
          if (nanos <= 0) {
            LockSupport.park(this);
          } else {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return false;
            }
            LockSupport.parkNanos(this, left);
          }
        }
        return true;
      } finally {
        parked = null;
      }
    }
  }

  private final Station station;
  private boolean awaiting; // guarded by lock

  private BlockingWaiter(Call<T> call, WaiterRegistry registry, Station station) {
    super(call, registry, station.lock);
    this.station = station;
  }

  /** A new waiter owned by the current thread, registered once fully constructed. */
  static <T extends @Nullable Object> BlockingWaiter<T> register(
      Call<T> call, WaiterRegistry registry) {
    BlockingWaiter<T> waiter = new BlockingWaiter<>(call, registry, Station.OF_THREAD.get());
    waiter.publish();
    return waiter;
  }

  @Override
  boolean accept(Call<?> callback) {
    queueLocked(callback);
    station.signalLocked();
    return false;
  }

  @Override
  boolean callDoneLocked() {
    station.signalLocked();
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
    Object wait = null; // the wait registered in the wait-for graph
    try {
      if (!call.isDone()) {
        wait = WaitGraph.enter(call, this); // fails fast, leaving the call alone, on a deadlock
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
      // Indexed: an iterator per wait would be most of what an empty list costs.
      List<Call<?>> started = startedSnapshot();
      for (int i = 0; i < started.size(); i++) {
        interrupted |= waitFor(started.get(i));
      }
      List<Call<?>> doneCallbacks = endWaiting();
      for (int i = 0; i < doneCallbacks.size(); i++) {
        Call<?> callback = doneCallbacks.get(i);
        callback.run();
        interrupted |= waitFor(callback);
      }
    } finally {
      if (wait != null) {
        WaitGraph.exit(wait);
      }
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

  /**
   * The next callback to run: this waiter's own, else one sent to another waiter of this thread
   * (innermost first), else null once the call is done.
   */
  private @Nullable Call<?> nextCallback() throws InterruptedException {
    boolean spun = false;
    while (true) {
      int seen;
      lock.lock();
      try {
        Call<?> next = takeQueuedLocked();
        if (next == null) {
          next = takeForwardedLocked();
        }
        if (next != null || callDone) {
          return next;
        }
        seen = station.signals();
      } finally {
        lock.unlock();
      }
      if (spun) { // looked again briefly already: park until signalled
        station.awaitSignal(seen, 0);
        spun = false;
        continue;
      }
      // Before parking, look again briefly: a callback or the call's end often comes within that
      // time (SpinWait).
      for (int spins = SpinWait.SPINS; spins > 0 && station.signals() == seen; spins--) {
        Thread.onSpinWait();
      }
      spun = true;
    }
  }

  /** A callback queued to an outer sync waiter of this thread; the shared lock is held. */
  private @Nullable Call<?> takeForwardedLocked() {
    if (registry.isOnlyWaiterOfItsOwner(this)) {
      return null; // the common case: no outer waiter, and no list made to find that out
    }
    List<Waiter<?>> waiters = registry.forThread(owner);
    for (int i = waiters.indexOf(this) - 1; i >= 0; i--) {
      Waiter<?> outer = waiters.get(i);
      if (outer instanceof BlockingWaiter) {
        Call<?> next = ((BlockingWaiter<?>) outer).takeQueuedLocked();
        if (next != null) {
          return next;
        }
      }
    }
    return null;
  }

  /**
   * Whether waiting in this waiter runs the callbacks queued on {@code portal}: this waiter's own,
   * and those of the owner's outer sync waiters.
   */
  boolean runsCallbacksOf(@Nullable Object portal) {
    if (portal == this) {
      return true;
    }
    if (!(portal instanceof BlockingWaiter) || ((BlockingWaiter<?>) portal).owner != owner) {
      return false;
    }
    List<Waiter<?>> waiters = registry.forThread(owner);
    int outer = waiters.indexOf(portal);
    return outer >= 0 && outer < waiters.indexOf(this);
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
      return startedLocked(false);
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
  public Optional<Thread> thread() {
    return Optional.of(owner);
  }

  @Override
  public String name() {
    return "SyncWaiter[" + call.name() + " on " + owner.getName() + "]";
  }
}

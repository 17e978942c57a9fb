package org.portal4j.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.spi.ThreadBoundPortal;

/**
 * The runtime's {@link AsyncWaiter}: callbacks run on the loop chosen when {@link #awaitAsync()} is
 * called; until then they are kept. Callbacks reach the loop through one pump task at a time, which
 * takes every callback queued so far, in submission order; the lock is never held while the loop's
 * {@code execute} runs. The "call is done" step is handed to the loop behind the pump, so callbacks
 * submitted before the call finished run (and async ones complete) before waiting ends.
 */
final class LoopWaiter<T extends @Nullable Object> extends AbstractWaiter<T>
    implements AsyncWaiter<T> {

  private final Supplier<LoopPortal> loopOfCaller;
  private final CompletableFuture<Call<T>> waited = new CompletableFuture<>();
  private volatile @Nullable LoopPortal loop; // written under lock

  /** A pump is handed to the loop and has not taken the queue yet; guarded by lock. */
  private boolean pumpPending;

  private LoopWaiter(Call<T> call, WaiterRegistry registry, Supplier<LoopPortal> loopOfCaller) {
    super(call, registry, new ReentrantLock());
    this.loopOfCaller = loopOfCaller;
  }

  /** A new waiter owned by the current thread, registered once fully constructed. */
  static <T extends @Nullable Object> LoopWaiter<T> register(
      Call<T> call, WaiterRegistry registry, Supplier<LoopPortal> loopOfCaller) {
    LoopWaiter<T> waiter = new LoopWaiter<>(call, registry, loopOfCaller);
    waiter.publish();
    return waiter;
  }

  @Override
  boolean accept(Call<?> callback) {
    queueLocked(callback);
    return claimPumpLocked();
  }

  /** Whether the caller must hand a pump to the loop; the lock is held. */
  private boolean claimPumpLocked() {
    if (loop == null || pumpPending || !hasQueuedLocked()) {
      return false;
    }
    pumpPending = true;
    return true;
  }

  @Override
  void handOver() {
    try {
      awaitedLoop().execute(this::pump);
    } catch (RejectedExecutionException e) {
      // The loop is gone: what it would have run never will. End it, and tell the submitter.
      for (Call<?> callback : takeQueued()) {
        callback.cancel(e);
      }
      throw e;
    }
  }

  /** On the loop: runs every callback queued so far, in order. */
  private void pump() {
    for (Call<?> callback : takeQueued()) {
      callback.run(); // never throws for what the callback does
    }
  }

  private List<Call<?>> takeQueued() {
    lock.lock();
    try {
      pumpPending = false;
      return takeAllQueuedLocked();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletionStage<Call<T>> awaitAsync() {
    LoopPortal chosen = loopOfCaller.get();
    boolean handOver;
    boolean finishNow;
    lock.lock();
    try {
      if (loop != null) {
        throw new IllegalStateException("The waiter of " + call + " was already awaited");
      }
      loop = chosen;
      handOver = claimPumpLocked();
      finishNow = callDone;
    } finally {
      lock.unlock();
    }
    if (handOver) {
      handOver();
    }
    if (finishNow) {
      onLoop(this::finish);
    }
    return waited.minimalCompletionStage();
  }

  @Override
  boolean callDoneLocked() {
    return loop != null;
  }

  @Override
  void callDoneWhileWaiting() {
    onLoop(this::finish); // behind every pump already handed to the loop
  }

  /** On the loop, after the call is done: wait for async callbacks, then run done callbacks. */
  private void finish() {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    lock.lock();
    try {
      for (Call<?> callback : startedLocked(true)) {
        if (!callback.isDone()) {
          pending.add(callback.toCompletableFuture().handle((v, e) -> null));
        }
      }
    } finally {
      lock.unlock();
    }
    CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
        .whenComplete((v, e) -> onLoop(() -> runDoneCallbacks(endWaiting().iterator())));
  }

  /** Runs done callbacks one after another on the loop, awaiting async ones, then completes. */
  private void runDoneCallbacks(Iterator<Call<?>> remaining) {
    while (remaining.hasNext()) {
      Call<?> callback = remaining.next();
      callback.run();
      if (!callback.isDone()) {
        callback
            .toCompletableFuture()
            .whenComplete((v, e) -> onLoop(() -> runDoneCallbacks(remaining)));
        return;
      }
    }
    registry.deregister(this);
    waited.complete(call);
  }

  /** The loop chosen by {@link #awaitAsync()}: set once, before anything is handed to it. */
  private LoopPortal awaitedLoop() {
    return Objects.requireNonNull(loop, "loop");
  }

  /** Runs {@code step} on the waiter's loop, or here if that loop has terminated. */
  private void onLoop(Runnable step) {
    try {
      awaitedLoop().execute(step);
    } catch (RejectedExecutionException e) {
      step.run(); // the loop is gone; finishing here beats never finishing
    }
  }

  @Override
  public boolean runsOnlyOn(Thread thread) {
    LoopPortal l = loop;
    return l instanceof ThreadBoundPortal && ((ThreadBoundPortal) l).runsOnlyOn(thread);
  }

  @Override
  public Optional<Thread> thread() {
    LoopPortal l = loop;
    return l instanceof ThreadBoundPortal ? ((ThreadBoundPortal) l).thread() : Optional.empty();
  }

  @Override
  public String name() {
    return "AsyncWaiter[" + call.name() + " of " + owner.getName() + "]";
  }
}

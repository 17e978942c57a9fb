package org.portal4j.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.spi.ThreadBoundPortal;

/**
 * The runtime's {@link AsyncWaiter}: callbacks run on the loop chosen when {@link #awaitAsync()} is
 * called; until then they are kept. Everything is handed to the loop in submission order under the
 * waiter's lock, and the "call is done" step is queued behind them, so callbacks submitted before
 * the call finished run (and async ones complete) before waiting ends.
 */
final class LoopWaiter<T> extends AbstractWaiter<T> implements AsyncWaiter<T> {

  private final Supplier<LoopPortal> loopOfCaller;
  private final CompletableFuture<Call<T>> waited = new CompletableFuture<>();
  private volatile LoopPortal loop; // written under lock

  LoopWaiter(Call<T> call, WaiterRegistry registry, Supplier<LoopPortal> loopOfCaller) {
    super(call, registry);
    this.loopOfCaller = loopOfCaller;
    watchCall();
  }

  @Override
  void accept(Call<?> callback) {
    if (loop == null) {
      queued.add(callback);
    } else {
      dispatch(callback);
    }
  }

  /** Hands a callback to the loop. Caller holds the lock. */
  private void dispatch(Call<?> callback) {
    markStarted(callback);
    try {
      loop.execute(callback::run);
    } catch (RejectedExecutionException e) {
      callback.cancel();
      throw e;
    }
  }

  @Override
  public CompletionStage<Call<T>> awaitAsync() {
    LoopPortal chosen = loopOfCaller.get();
    boolean finishNow;
    lock.lock();
    try {
      if (loop != null) {
        throw new IllegalStateException("The waiter of " + call + " was already awaited");
      }
      loop = chosen;
      for (Call<?> callback = queued.poll(); callback != null; callback = queued.poll()) {
        dispatch(callback);
      }
      finishNow = callDone;
    } finally {
      lock.unlock();
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
    onLoop(this::finish); // queued behind every callback already handed to the loop
  }

  /** On the loop, after the call is done: wait for async callbacks, then run done callbacks. */
  private void finish() {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    lock.lock();
    try {
      for (Call<?> callback : started) {
        if (!callback.isDone()) {
          pending.add(callback.toCompletableFuture().handle((v, e) -> null));
        }
      }
      started.clear();
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

  /** Runs {@code step} on the waiter's loop, or here if that loop has terminated. */
  private void onLoop(Runnable step) {
    try {
      loop.execute(step);
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
  public String name() {
    return "AsyncWaiter[" + call.name() + " of " + owner.getName() + "]";
  }
}

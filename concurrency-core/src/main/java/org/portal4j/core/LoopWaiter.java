package org.portal4j.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.portal4j.spi.ThreadBoundPortal;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.LoopPortal;

/**
 * The runtime's {@link AsyncWaiter}: callbacks run on the loop chosen when {@link #awaitAsync()}
 * is called; until then they are kept. Everything is handed to the loop in submission order under
 * one lock, and the "call is done" step is queued behind them, so callbacks submitted before the
 * call finished run (and async ones complete) before waiting ends.
 */
final class LoopWaiter<T> implements AsyncWaiter<T>, ThreadBoundPortal {

  private final Call<T> call;
  private final Thread owner;
  private final WaiterRegistry registry;
  private final Supplier<LoopPortal> loopOfCaller;
  private final CompletableFuture<Call<T>> waited = new CompletableFuture<>();
  private final ReentrantLock lock = new ReentrantLock();

  // guarded by lock
  private final ArrayDeque<Call<?>> early = new ArrayDeque<>();
  private final List<Call<?>> started = new ArrayList<>();
  private List<Call<?>> doneCallbacks = new ArrayList<>();
  private volatile LoopPortal loop;
  private boolean callDone;
  private boolean ended;

  LoopWaiter(Call<T> call, WaiterRegistry registry, Supplier<LoopPortal> loopOfCaller) {
    this.call = call;
    this.owner = Thread.currentThread();
    this.registry = registry;
    this.loopOfCaller = loopOfCaller;
    registry.register(this);
    call.addDoneCallback(done -> onCallDone());
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
      if (loop == null) {
        early.add(callback);
      } else {
        dispatch(callback);
      }
    } finally {
      lock.unlock();
    }
    return callback;
  }

  /** Forgets a waiter that will never be awaited because its call could not be submitted. */
  void abandon() {
    takeDoneCallbacks();
    registry.deregister(this);
  }

  /** Hands a callback to the loop. Caller holds the lock. */
  private void dispatch(Call<?> callback) {
    started.removeIf(Call::isDone);
    started.add(callback);
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
      for (Iterator<Call<?>> it = early.iterator(); it.hasNext(); ) {
        Call<?> callback = it.next();
        it.remove();
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

  private void onCallDone() {
    List<Call<?>> toCancel = List.of();
    boolean awaited;
    lock.lock();
    try {
      callDone = true;
      if (call.isCancelled()) {
        toCancel = new ArrayList<>(early);
        toCancel.addAll(started);
      }
      awaited = loop != null;
    } finally {
      lock.unlock();
    }
    for (Call<?> callback : toCancel) {
      callback.cancel();
    }
    if (awaited) {
      onLoop(this::finish); // queued behind every callback already handed to the loop
    } else {
      registry.deregister(this);
    }
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
        .whenComplete((v, e) -> onLoop(() -> runDoneCallbacks(takeDoneCallbacks().iterator())));
  }

  private List<Call<?>> takeDoneCallbacks() {
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

  /** Runs done callbacks one after another on the loop, awaiting async ones, then completes. */
  private void runDoneCallbacks(Iterator<Call<?>> remaining) {
    while (remaining.hasNext()) {
      Call<?> callback = remaining.next();
      callback.run();
      if (!callback.isDone()) {
        callback.toCompletableFuture()
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
    LoopPortal l = loop;
    return l instanceof ThreadBoundPortal && ((ThreadBoundPortal) l).runsOnlyOn(thread);
  }

  @Override
  public String name() {
    return "AsyncWaiter[" + call.name() + " of " + owner.getName() + "]";
  }

  @Override
  public String toString() {
    return name();
  }
}

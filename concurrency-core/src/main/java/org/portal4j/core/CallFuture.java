package org.portal4j.core;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A call's outcome, and the view that {@link org.portal4j.Call#toCompletableFuture()} returns. Only
 * the call completes it; cancelling it cancels the call. Completing it by hand throws {@link
 * UnsupportedOperationException}, and the timeout helpers act on a copy, so the view can never
 * disagree with the call.
 *
 * <p>Blocking on it ({@link #get()}, {@link #join()}, and the same on any stage that depends on it)
 * makes the call's deadlock check first: on a thread the call needs, it fails fast with {@link
 * IllegalStateException} as {@link CapturedCall#result()} does, instead of hanging.
 */
final class CallFuture<T extends @Nullable Object> extends CompletableFuture<T> {

  private final CapturedCall<T> call;

  CallFuture(CapturedCall<T> call) {
    this.call = call;
  }

  void succeed(T value) {
    super.complete(value);
  }

  void fail(Throwable error) {
    super.completeExceptionally(error);
  }

  // The JDK's get() and join() report a cancellation in a new CancellationException from Java 23
  // on; ours throw the call's own CallCancelledException (or CallTimeoutException) on every JDK.

  @Override
  public T get() throws InterruptedException, ExecutionException {
    WaitGraph.@Nullable Wait wait = enterIfBlocking(this, call);
    try {
      return super.get();
    } catch (CancellationException e) {
      throw call.cancellation(e);
    } finally {
      exit(wait);
    }
  }

  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    WaitGraph.@Nullable Wait wait = timeout > 0 ? enterIfBlocking(this, call) : null;
    try {
      return super.get(timeout, unit);
    } catch (CancellationException e) {
      throw call.cancellation(e);
    } catch (TimeoutException e) { // the JDK's has no message
      throw outOfPatience(call, timeout, unit);
    } finally {
      exit(wait);
    }
  }

  /** A {@link TimeoutException} that says, as {@code result(Duration)}'s does, what was late. */
  private static TimeoutException outOfPatience(CapturedCall<?> call, long timeout, TimeUnit unit) {
    String patience;
    try {
      patience = CapturedCall.readable(Duration.of(timeout, unit.toChronoUnit()));
    } catch (ArithmeticException tooLarge) {
      patience = timeout + " " + unit;
    }
    return new TimeoutException(call.name() + " was not done within " + patience);
  }

  @Override
  public T join() {
    WaitGraph.@Nullable Wait wait = enterIfBlocking(this, call);
    try {
      return super.join();
    } catch (CancellationException e) {
      throw call.cancellation(e);
    } finally {
      exit(wait);
    }
  }

  @Override
  public T getNow(T valueIfAbsent) {
    try {
      return super.getNow(valueIfAbsent);
    } catch (CancellationException e) {
      throw call.cancellation(e);
    }
  }

  /** Registers the wait about to block on {@code view}, which cannot complete before the call. */
  private static WaitGraph.@Nullable Wait enterIfBlocking(
      CompletableFuture<?> view, CapturedCall<?> call) {
    return view.isDone() || call.isDone() ? null : WaitGraph.enter(call, null);
  }

  private static void exit(WaitGraph.@Nullable Wait wait) {
    if (wait != null) {
      WaitGraph.exit(wait);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    call.cancel();
    return isCancelled();
  }

  @Override
  public boolean complete(T value) {
    throw unsupported();
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw unsupported();
  }

  @Override
  public void obtrudeValue(T value) {
    throw unsupported();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw unsupported();
  }

  @Override
  public CompletableFuture<T> completeAsync(
      java.util.function.Supplier<? extends T> s, Executor e) {
    throw unsupported();
  }

  @Override
  public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) {
    return copy().orTimeout(timeout, unit);
  }

  @Override
  public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
    return copy().completeOnTimeout(value, timeout, unit);
  }

  @Override
  public <U extends @Nullable Object> CompletableFuture<U> newIncompleteFuture() {
    return new Dependent<>(call);
  }

  private UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException(
        "The outcome of " + call + " is set by the call itself; cancel() is the only way in");
  }

  @Override
  public String toString() {
    return "CallFuture[" + call + "]";
  }

  /**
   * A stage that depends on the call (made by {@code thenApply}, {@code handle}, {@code copy()} and
   * the like): an ordinary future, but blocking on it makes the call's deadlock check, since it
   * cannot complete before the call does.
   */
  private static final class Dependent<U extends @Nullable Object> extends CompletableFuture<U> {
    private final CapturedCall<?> call;

    Dependent(CapturedCall<?> call) {
      this.call = call;
    }

    @Override
    public U get() throws InterruptedException, ExecutionException {
      WaitGraph.@Nullable Wait wait = enterIfBlocking(this, call);
      try {
        return super.get();
      } finally {
        exit(wait);
      }
    }

    @Override
    public U get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      WaitGraph.@Nullable Wait wait = timeout > 0 ? enterIfBlocking(this, call) : null;
      try {
        return super.get(timeout, unit);
      } catch (TimeoutException e) { // the JDK's has no message
        throw new TimeoutException(
            "A stage made from " + outOfPatience(call, timeout, unit).getMessage());
      } finally {
        exit(wait);
      }
    }

    @Override
    public U join() {
      WaitGraph.@Nullable Wait wait = enterIfBlocking(this, call);
      try {
        return super.join();
      } finally {
        exit(wait);
      }
    }

    @Override
    public <V extends @Nullable Object> CompletableFuture<V> newIncompleteFuture() {
      return new Dependent<>(call);
    }
  }
}

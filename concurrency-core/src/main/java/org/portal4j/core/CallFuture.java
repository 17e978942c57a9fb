package org.portal4j.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A call's outcome, and the view that {@link org.portal4j.Call#toCompletableFuture()} returns. Only
 * the call completes it; cancelling it cancels the call. Completing it by hand throws {@link
 * UnsupportedOperationException}, and the timeout helpers act on a copy, so the view can never
 * disagree with the call.
 */
final class CallFuture<T> extends CompletableFuture<T> {

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
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  private UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException(
        "The outcome of " + call + " is set by the call itself; cancel() is the only way in");
  }

  @Override
  public String toString() {
    return "CallFuture[" + call + "]";
  }
}

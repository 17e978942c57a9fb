package org.portal4j.services;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A queue service whose senders get a result back (Prefect's {@code FutureQueueService}), such as
 * concurrency-slot requests that one consumer grants in order.
 *
 * <p>{@link #send} returns a {@link CompletableFuture} at once, without blocking. The consumer
 * calls {@link #acquire} for one request at a time, in queue order, on the global loop thread, and
 * completes the future with its result or failure. Results are never leaked:
 *
 * <ul>
 *   <li>a request whose future is already done (cancelled by its caller) when its turn comes is not
 *       acquired at all;
 *   <li>a result that arrives after its future was cancelled (or otherwise completed) goes to
 *       {@link #discard} exactly once, so it can be released;
 *   <li>a request turned away by a full queue fails its future with {@link
 *       RejectedExecutionException}; one the service can no longer handle (its loop went away, or
 *       it failed to start) fails it with {@link IllegalStateException}.
 * </ul>
 *
 * Futures complete on the global loop thread, so stages that depend on them without an executor run
 * there and must not block. {@link AbstractQueueService} describes the lifecycle and draining.
 *
 * @param <A> the request type
 * @param <R> the result type
 * @since 0.1
 */
public abstract non-sealed class FutureQueueService<A, R extends @Nullable Object>
    extends AbstractQueueService {

  /** A queued request: its argument and the future its sender holds. */
  static final class Request<A, R extends @Nullable Object> {
    final A arg;
    final CompletableFuture<R> future = new CompletableFuture<>();

    Request(A arg) {
      this.arg = arg;
    }

    @Override
    public String toString() {
      return String.valueOf(arg);
    }
  }

  /** For subclasses; get instances with {@link #instance(Class, java.util.function.Supplier)}. */
  protected FutureQueueService() {}

  /**
   * Queues a request (after {@link #prepare}) and returns its future. Never blocks, from any
   * thread. Cancelling the future before its turn skips the request; after, discards its result.
   *
   * @param arg the request
   * @return a future completed with {@link #acquire}'s result or failure
   * @throws NullPointerException if {@code arg} is null, or {@code prepare} returned null
   * @throws IllegalStateException if the service was stopped, failed, or never started
   */
  public final CompletableFuture<R> send(A arg) {
    Objects.requireNonNull(arg, "arg");
    A prepared = prepare(arg);
    if (prepared == null) {
      throw new NullPointerException("prepare(" + arg + ") of " + this + " returned null");
    }
    Request<A, R> request = new Request<>(prepared);
    offer(request);
    return request.future;
  }

  /**
   * Turns a request into what is queued, on the sender's thread. Returns it by default.
   *
   * @param arg the request sent
   * @return the request to queue, not null
   */
  protected A prepare(A arg) {
    return arg;
  }

  /**
   * Produces the result for one request, on the global loop thread; the next request waits until
   * the stage completes. Must not block: hand blocking work off and return its stage (a sync result
   * is returned as {@code CompletableFuture.completedFuture(result)}).
   *
   * @param arg the request
   * @return a stage with the result
   * @throws Exception a failure, which fails the request's future
   */
  protected abstract CompletionStage<R> acquire(A arg) throws Exception;

  /**
   * Takes a result nobody will receive: its future was cancelled, or completed by someone else,
   * before the result arrived. Called once per such result, on the thread that completed the
   * acquire stage. Does nothing by default; a throw is logged.
   *
   * @param result the unwanted result
   */
  protected void discard(R result) {}

  /**
   * Called with a request the full queue turned away (its future has already failed), on the
   * sender's thread. Does nothing by default.
   *
   * @param arg the dropped request
   */
  protected void onItemDropped(A arg) {}

  @Override
  @SuppressWarnings("unchecked")
  @Nullable CompletionStage<?> consume(boolean closing) {
    Object next = pollItem();
    if (next == null) {
      return null;
    }
    Request<A, R> request = (Request<A, R>) next;
    return invoke(1, request, () -> acquireFor(request));
  }

  /** Runs acquire and routes its outcome to the future; the returned stage never fails. */
  private @Nullable CompletionStage<?> acquireFor(Request<A, R> request) {
    if (request.future.isDone()) {
      return null; // cancelled before its turn: acquiring would only make a result to discard
    }
    CompletionStage<R> stage;
    try {
      stage = acquire(request.arg);
      if (stage == null) {
        throw new NullPointerException(
            "acquire(" + request.arg + ") of " + this + " returned null");
      }
    } catch (Throwable t) {
      request.future.completeExceptionally(t);
      return null;
    }
    return adopt(stage)
        .handle(
            (value, error) -> {
              if (error != null) {
                request.future.completeExceptionally(unwrap(error));
                return null;
              }
              @SuppressWarnings("unchecked")
              R result = (R) value;
              if (!request.future.complete(result)) {
                discardSafely(result);
              }
              return null;
            });
  }

  private void discardSafely(R result) {
    try {
      discard(result);
    } catch (Throwable t) {
      log.error("discard of {} threw", this, t);
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  void dropped(Object item) {
    Request<A, R> request = (Request<A, R>) item;
    request.future.completeExceptionally(
        new RejectedExecutionException(this + " dropped the request: its queue is full"));
    onItemDropped(request.arg);
  }

  @Override
  @SuppressWarnings("unchecked")
  void abandoned(Object item) {
    ((Request<A, R>) item)
        .future.completeExceptionally(
            new IllegalStateException(this + " stopped before it handled the request"));
  }
}

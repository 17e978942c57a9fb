package org.portal4j;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.portal4j.internal.RuntimeBinding;

/**
 * A captured function call: the function, the caller's context ({@link ContextKey} values and the
 * SLF4J MDC, captured when the call is created), an optional timeout that starts when the call
 * starts, and the call's outcome.
 *
 * <h2>States</h2>
 *
 * <pre>
 *   PENDING ──run()──► RUNNING ──► SUCCEEDED | FAILED | CANCELLED
 *      └────────────cancel() / timeout────────────────► CANCELLED
 * </pre>
 *
 * Every call ends exactly once. A call cancelled before it started never runs its function. A
 * timed-out call is cancelled and {@linkplain #isTimedOut() timed out}.
 *
 * <h2>Sync and async</h2>
 *
 * {@link #of} makes a call whose outcome is what the function returns or throws. {@link #ofAsync}
 * makes a call whose function returns a {@link CompletionStage}; the call is done when that stage
 * is. Nothing is unwrapped automatically: {@code Call.of(() -> stage)} has the stage itself as its
 * result. One timeout deadline covers the function and its stage together.
 *
 * <h2>Cancellation</h2>
 *
 * {@link #cancel()} follows {@link java.util.concurrent.Future#cancel}: once it returns true the
 * call is cancelled and done, and {@link #result()} throws at once. A sync function still running
 * is interrupted; the stage of an async one is cancelled; whatever the body produces later is
 * discarded. A cancelled call never leaves its thread, nor the thread that called {@link #run()},
 * with the interrupt flag set.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions of the function happen-before the call becomes done; the call becoming done
 * happens-before {@link #result()} returns, {@link #isDone()} reads true, and any done callback
 * runs.
 *
 * <p>Calls are created by the runtime ({@code concurrency-core}); equality is identity.
 *
 * @param <T> the result type
 * @since 0.1
 */
public interface Call<T extends @Nullable Object> {

  /**
   * Captures a call of a plain function. The name is derived from the function's class.
   *
   * @param fn the function
   * @param <T> its result type
   * @return a pending call
   * @throws NullPointerException if {@code fn} is null
   * @throws IllegalStateException if no runtime ({@code org.portal4j:concurrency-core}) is on the
   *     class path
   */
  static <T extends @Nullable Object> Call<T> of(Callable<? extends T> fn) {
    return RuntimeBinding.runtime().calls().newCall(null, fn);
  }

  /**
   * Captures a call of a plain function, with a name for logs and {@code toString()}.
   *
   * @param name the call's name
   * @param fn the function
   * @param <T> its result type
   * @return a pending call
   * @throws NullPointerException if {@code name} or {@code fn} is null
   */
  static <T extends @Nullable Object> Call<T> of(String name, Callable<? extends T> fn) {
    return RuntimeBinding.runtime().calls().newCall(requireName(name), fn);
  }

  /**
   * Captures a call of a function that returns a stage; the call is done when the stage is. A stage
   * that fails with a {@link java.util.concurrent.CompletionException} or {@link
   * java.util.concurrent.ExecutionException} fails the call with its cause; a function that returns
   * {@code null} fails the call with a {@link NullPointerException}.
   *
   * @param fn the function
   * @param <T> the stage's result type
   * @return a pending call
   * @throws NullPointerException if {@code fn} is null
   */
  static <T extends @Nullable Object> Call<T> ofAsync(
      Callable<? extends CompletionStage<? extends T>> fn) {
    return RuntimeBinding.runtime().calls().newAsyncCall(null, fn);
  }

  /**
   * Like {@link #ofAsync(Callable)}, with a name.
   *
   * @param name the call's name
   * @param fn the function
   * @param <T> the stage's result type
   * @return a pending call
   * @throws NullPointerException if {@code name} or {@code fn} is null
   */
  static <T extends @Nullable Object> Call<T> ofAsync(
      String name, Callable<? extends CompletionStage<? extends T>> fn) {
    return RuntimeBinding.runtime().calls().newAsyncCall(requireName(name), fn);
  }

  /**
   * The call whose function is running on this thread right now, if any. Inside a call that was
   * itself started from another call, this is the innermost one.
   *
   * @return the current call
   */
  static Optional<Call<?>> current() {
    return RuntimeBinding.runtime().calls().current();
  }

  /**
   * Runs {@code fn} on this thread, shielded from cancellation of the current call: a cancel or
   * timeout meanwhile marks the current call cancelled at once, but does not interrupt {@code fn};
   * the interrupt is delivered as soon as {@code fn} returns. Outside a call it just runs {@code
   * fn}.
   *
   * @param fn the function to shield
   * @param <T> its result type
   * @return what {@code fn} returned
   * @throws java.util.concurrent.CompletionException wrapping a checked exception of {@code fn};
   *     unchecked ones and errors come out as they are
   */
  static <T extends @Nullable Object> T shield(Callable<? extends T> fn) {
    return RuntimeBinding.runtime().calls().shield(fn);
  }

  /**
   * A call that follows a stage someone else started: it is running from the start and ends when
   * {@code stage} does, with its value or its failure (a {@code CompletionException} or {@code
   * ExecutionException} unwrapped to its cause). Cancelling the call cancels the stage (through
   * {@code toCompletableFuture().cancel(true)}, and {@link Future#cancel} too when the stage is a
   * {@code Future}); a stage cancelled on its own cancels nothing here: the call fails with the
   * stage's {@code CancellationException}.
   *
   * <p>The call has no runner and is never submitted: it is already running. Its {@code
   * toCompletableFuture()} is the way back. Made on this thread, it captures this thread's context,
   * which surrounds nothing but the hand-over.
   *
   * @param stage the stage to follow
   * @param <T> its result type
   * @return a running call, or a done one if the stage is done
   * @throws NullPointerException if {@code stage} is null
   * @throws IllegalStateException if no runtime is on the class path
   * @since 0.1
   */
  static <T> Call<T> from(CompletionStage<? extends T> stage) {
    if (stage == null) {
      throw new NullPointerException("stage");
    }
    return from("from(" + stage.getClass().getSimpleName() + ")", stage);
  }

  /**
   * Like {@link #from(CompletionStage)}, with a name.
   *
   * @param name the call's name
   * @param stage the stage to follow
   * @param <T> its result type
   * @return a running call, or a done one if the stage is done
   * @throws NullPointerException if {@code name} or {@code stage} is null
   * @throws IllegalStateException if no runtime is on the class path
   * @since 0.1
   */
  static <T> Call<T> from(String name, CompletionStage<? extends T> stage) {
    if (stage == null) {
      throw new NullPointerException("stage");
    }
    Call<T> call = ofAsync(name, () -> stage);
    if (stage instanceof Future && !(stage instanceof CompletableFuture)) {
      Future<?> future = (Future<?>) stage; // its toCompletableFuture() may be a copy
      call.addCancelCallback(() -> future.cancel(true));
    }
    call.run(); // the function only hands the stage over: the call now follows it
    return call;
  }

  private static String requireName(String name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    return name;
  }

  /**
   * The call's name.
   *
   * @return the name, never null
   */
  String name();

  /**
   * Sets the call's timeout, measured from the moment the call starts. {@code null} means none;
   * {@link Duration#ZERO} expires as the call starts (its function does not run).
   *
   * <p>A call never times out before its timeout has passed. A timeout under a second is timed on
   * its own; a longer one is watched by the runtime's sweeps instead of a timer per call, so that a
   * call ending long before it costs almost nothing, and may expire up to about 100 milliseconds
   * late, and usually no more than about 20.
   *
   * @param timeout the timeout, or null
   * @return this call
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if the call has already started
   */
  Call<T> setTimeout(@Nullable Duration timeout);

  /**
   * The call's timeout.
   *
   * @return the timeout, empty when it has none
   */
  Optional<Duration> timeout();

  /**
   * Records the portal the call was submitted to. Portals call this from {@link Portal#submit}.
   *
   * @param portal the portal
   * @throws NullPointerException if {@code portal} is null
   * @throws IllegalStateException if a runner is already set
   */
  void setRunner(Portal portal);

  /**
   * The portal the call was submitted to.
   *
   * @return the runner, empty if the call was not submitted
   */
  Optional<Portal> runner();

  /**
   * Runs the call on this thread: its function runs inside the captured context, with the timeout
   * armed. Never throws for what the function does; the outcome goes to the call. A call cancelled
   * before it started completes at once without running its function. A sync call is done when this
   * returns, also when a cancel or timeout on another thread raced it (this then returns once that
   * thread has ended the call).
   *
   * @return a stage that completes normally once the call is done, whatever its outcome
   * @throws IllegalStateException if the call is already running
   */
  CompletionStage<Void> run();

  /**
   * Waits for the call to be done and returns its result.
   *
   * <p>An interrupt of the waiting thread (or a flag already set) ends the wait with a {@link
   * java.util.concurrent.CompletionException} caused by the {@link InterruptedException}, leaves
   * the call alone, and leaves the thread's interrupt flag set.
   *
   * @return the result
   * @throws CallTimeoutException if the call's own timeout expired
   * @throws CallCancelledException if the call was cancelled
   * @throws RuntimeException the function's own unchecked exception, the same instance
   * @throws Error the function's own error, the same instance
   * @throws java.util.concurrent.CompletionException wrapping the function's checked exception
   * @throws IllegalStateException if the call can only run on this thread, so waiting would never
   *     end
   */
  T result();

  /**
   * Like {@link #result()}, waiting at most {@code wait}.
   *
   * @param wait how long to wait at most
   * @return the result
   * @throws TimeoutException if the call is not done in time; the call is left alone
   */
  T result(Duration wait) throws TimeoutException;

  /**
   * A view of the call's outcome as a future. It completes with the result, or exceptionally with
   * the function's original throwable, or with {@link CallCancelledException}. Cancelling the view
   * cancels the call; completing it by hand is not supported.
   *
   * @return the view, the same instance each time
   */
  CompletableFuture<T> toCompletableFuture();

  /**
   * Cancels the call if it is not done yet. Cancel callbacks run first; then a running sync
   * function is interrupted, or a running async stage is cancelled; then the call is marked
   * cancelled and done (so whoever that releases finds the body already stopped); then done
   * callbacks run. All of it happens before this method returns.
   *
   * @return true if this invocation cancelled the call, false if it was already done
   */
  boolean cancel();

  /**
   * Cancels the call like {@link #cancel()}, giving the reason: {@code cause} becomes the cause of
   * the {@link CallCancelledException} that {@link #result()} throws. Portals use it to say why a
   * call they took will never run (a loop that failed to start, the JVM exiting).
   *
   * @param cause why the call is cancelled
   * @return true if this invocation cancelled the call, false if it was already done
   * @throws NullPointerException if {@code cause} is null
   */
  default boolean cancel(Throwable cause) {
    if (cause == null) {
      throw new NullPointerException("cause");
    }
    return cancel();
  }

  /**
   * Whether the call ended cancelled (timed-out calls included).
   *
   * @return true if cancelled
   */
  boolean isCancelled();

  /**
   * Whether the call ended because its own timeout expired.
   *
   * @return true if timed out
   */
  boolean isTimedOut();

  /**
   * Whether the call has ended, in any way.
   *
   * @return true if done
   */
  boolean isDone();

  /**
   * Whether the call has started and is not done yet.
   *
   * @return true if running
   */
  boolean isRunning();

  /**
   * Adds a callback that runs when the call is cancelled, before it is marked cancelled, on the
   * thread that cancels it. Added after the call is done, it never runs. A throwing callback is
   * logged and the others still run.
   *
   * @param callback the callback
   */
  void addCancelCallback(Runnable callback);

  /**
   * Adds a callback that runs once, after the call is done, on the thread that completed it. Added
   * after the call is done, it runs at once on the adding thread. A throwing callback is logged and
   * swallowed.
   *
   * @param callback the callback, given this call
   */
  void addDoneCallback(Consumer<? super Call<T>> callback);
}

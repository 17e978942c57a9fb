package org.portal4j;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.portal4j.internal.RuntimeBinding;

/**
 * Entry points for non-blocking callers (code on an event loop, or in a stage's continuation): the
 * same operations as {@link FromSync}, but no method ever blocks the calling thread.
 *
 * <p>Waiting methods return a future that completes like {@link Call#toCompletableFuture()}: with
 * the call's result, or exceptionally with the function's original throwable or a {@link
 * CallCancelledException}. Cancelling that future cancels the call. Meanwhile an {@link
 * AsyncWaiter} runs callbacks that the call sends back ({@link Waiters#current()}) on the caller's
 * event loop (the global loop when the caller is not on a loop), and runs {@code doneCallbacks}
 * there after the call is done, before the future completes.
 *
 * <p>{@code timeout} becomes the call's own timeout ({@link Call#setTimeout}); {@code null} leaves
 * the call's timeout as it is. New-thread methods use a run-once worker of the chosen worker
 * backend; loop methods use the {@linkplain Portals#globalLoop() global loop}.
 */
public final class FromAsync {

  private FromAsync() {}

  /**
   * Runs {@code call} on a new run-once worker thread and returns a future of its result at once,
   * running callbacks it sends back meanwhile; then runs {@code doneCallbacks}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallInNewThread(
      Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return RuntimeBinding.runtime().waitForCallAsync(NEW_THREAD, call, timeout, doneCallbacks);
  }

  /**
   * Same as {@link #waitForCallInNewThread(Call, Duration, Collection)} with no done callbacks.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallInNewThread(Call<T> call, Duration timeout) {
    return waitForCallInNewThread(call, timeout, List.of());
  }

  /**
   * Same as {@link #waitForCallInNewThread(Call, Duration, Collection)}, keeping the call's
   * timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallInNewThread(Call<T> call) {
    return waitForCallInNewThread(call, null, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInNewThread(Call, Duration,
   * Collection)}.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallInNewThread(
      Callable<? extends T> fn, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInNewThread(Call, Duration)}.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallInNewThread(
      Callable<? extends T> fn, Duration timeout) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInNewThread(Call)}.
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallInNewThread(Callable<? extends T> fn) {
    return waitForCallInNewThread(Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on a new run-once worker thread; the same as {@link
   * #waitForCallInNewThread(Call, Duration)}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> callInNewThread(Call<T> call, Duration timeout) {
    return waitForCallInNewThread(call, timeout, List.of());
  }

  /**
   * Runs {@code call} on a new run-once worker thread, keeping the call's timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> callInNewThread(Call<T> call) {
    return waitForCallInNewThread(call, null, List.of());
  }

  /**
   * Runs {@code fn} on a new run-once worker thread.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> callInNewThread(
      Callable<? extends T> fn, Duration timeout) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Runs {@code fn} on a new run-once worker thread.
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> callInNewThread(Callable<? extends T> fn) {
    return waitForCallInNewThread(Call.<T>of(fn), null, List.of());
  }

  /**
   * Submits {@code call} to a new run-once worker thread and returns at once.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T> Call<T> callSoonInNewThread(Call<T> call, Duration timeout) {
    return RuntimeBinding.runtime().callSoon(NEW_THREAD, call, timeout);
  }

  /**
   * Submits {@code call} to a new run-once worker thread, keeping its timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T> Call<T> callSoonInNewThread(Call<T> call) {
    return callSoonInNewThread(call, null);
  }

  /**
   * Wraps {@code fn} in a call and submits it to a new run-once worker thread.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T> Call<T> callSoonInNewThread(Callable<? extends T> fn, Duration timeout) {
    return callSoonInNewThread(Call.<T>of(fn), timeout);
  }

  /**
   * Wraps {@code fn} in a call and submits it to a new run-once worker thread.
   *
   * @param fn the function
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T> Call<T> callSoonInNewThread(Callable<? extends T> fn) {
    return callSoonInNewThread(Call.<T>of(fn), null);
  }

  /**
   * Runs {@code call} on the global event loop and returns a future of its result at once, running
   * callbacks it sends back meanwhile; then runs {@code doneCallbacks}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallInLoopThread(
      Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return RuntimeBinding.runtime().waitForCallAsync(GLOBAL_LOOP, call, timeout, doneCallbacks);
  }

  /**
   * Same as {@link #waitForCallInLoopThread(Call, Duration, Collection)} with no done callbacks.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallInLoopThread(Call<T> call, Duration timeout) {
    return waitForCallInLoopThread(call, timeout, List.of());
  }

  /**
   * Same as {@link #waitForCallInLoopThread(Call, Duration, Collection)}, keeping the call's
   * timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallInLoopThread(Call<T> call) {
    return waitForCallInLoopThread(call, null, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInLoopThread(Call, Duration,
   * Collection)}.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallInLoopThread(
      Callable<? extends T> fn, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInLoopThread(Call, Duration)}.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallInLoopThread(
      Callable<? extends T> fn, Duration timeout) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInLoopThread(Call)}.
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallInLoopThread(Callable<? extends T> fn) {
    return waitForCallInLoopThread(Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on the global event loop; the same as {@link #waitForCallInLoopThread(Call,
   * Duration)}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> callInLoopThread(Call<T> call, Duration timeout) {
    return waitForCallInLoopThread(call, timeout, List.of());
  }

  /**
   * Runs {@code call} on the global event loop, keeping the call's timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> callInLoopThread(Call<T> call) {
    return waitForCallInLoopThread(call, null, List.of());
  }

  /**
   * Runs {@code fn} on the global event loop.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> callInLoopThread(
      Callable<? extends T> fn, Duration timeout) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Runs {@code fn} on the global event loop.
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> callInLoopThread(Callable<? extends T> fn) {
    return waitForCallInLoopThread(Call.<T>of(fn), null, List.of());
  }

  /**
   * Submits {@code call} to the global event loop and returns at once.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T> Call<T> callSoonInLoopThread(Call<T> call, Duration timeout) {
    return RuntimeBinding.runtime().callSoon(GLOBAL_LOOP, call, timeout);
  }

  /**
   * Submits {@code call} to the global event loop, keeping its timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T> Call<T> callSoonInLoopThread(Call<T> call) {
    return callSoonInLoopThread(call, null);
  }

  /**
   * Wraps {@code fn} in a call and submits it to the global event loop.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T> Call<T> callSoonInLoopThread(Callable<? extends T> fn, Duration timeout) {
    return callSoonInLoopThread(Call.<T>of(fn), timeout);
  }

  /**
   * Wraps {@code fn} in a call and submits it to the global event loop.
   *
   * @param fn the function
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T> Call<T> callSoonInLoopThread(Callable<? extends T> fn) {
    return callSoonInLoopThread(Call.<T>of(fn), null);
  }

  /**
   * Runs {@code call} on {@code portal} and returns a future of its result at once, running
   * callbacks it sends back meanwhile; then runs {@code doneCallbacks}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallIn(
      Portal portal, Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    if (portal == null) {
      throw new NullPointerException("portal");
    }
    return RuntimeBinding.runtime().waitForCallAsync(() -> portal, call, timeout, doneCallbacks);
  }

  /**
   * Same as {@link #waitForCallIn(Portal, Call, Duration, Collection)} with no done callbacks.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallIn(
      Portal portal, Call<T> call, Duration timeout) {
    return waitForCallIn(portal, call, timeout, List.of());
  }

  /**
   * Same as {@link #waitForCallIn(Portal, Call, Duration, Collection)}, keeping the call's timeout.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> waitForCallIn(Portal portal, Call<T> call) {
    return waitForCallIn(portal, call, null, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallIn(Portal, Call, Duration,
   * Collection)}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallIn(
      Portal portal,
      Callable<? extends T> fn,
      Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallIn(portal, Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallIn(Portal, Call, Duration)}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallIn(
      Portal portal, Callable<? extends T> fn, Duration timeout) {
    return waitForCallIn(portal, Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallIn(Portal, Call)}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> waitForCallIn(Portal portal, Callable<? extends T> fn) {
    return waitForCallIn(portal, Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on {@code portal}; the same as {@link #waitForCallIn(Portal, Call,
   * Duration)}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> callIn(Portal portal, Call<T> call, Duration timeout) {
    return waitForCallIn(portal, call, timeout, List.of());
  }

  /**
   * Runs {@code call} on {@code portal}, keeping the call's timeout.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T> CompletableFuture<T> callIn(Portal portal, Call<T> call) {
    return waitForCallIn(portal, call, null, List.of());
  }

  /**
   * Runs {@code fn} on {@code portal}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> callIn(
      Portal portal, Callable<? extends T> fn, Duration timeout) {
    return waitForCallIn(portal, Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Runs {@code fn} on {@code portal}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T> CompletableFuture<T> callIn(Portal portal, Callable<? extends T> fn) {
    return waitForCallIn(portal, Call.<T>of(fn), null, List.of());
  }

  /**
   * A run-once worker per call. Nobody blocks for it (an async caller only holds a future), so it
   * keeps the JVM alive until its call ran.
   */
  private static final Supplier<Portal> NEW_THREAD =
      () -> RuntimeBinding.runtime().newThreadPortal(false);

  private static final Supplier<Portal> GLOBAL_LOOP = () -> RuntimeBinding.runtime().globalLoop();
}

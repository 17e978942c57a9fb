package org.portal4j;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.portal4j.internal.RuntimeBinding;

/**
 * Entry points for non-blocking callers (code on an event loop, or in a stage's continuation): the
 * same operations as {@link FromSync}, but no method ever blocks the calling thread.
 *
 * <h2>The general form</h2>
 *
 * The target is a parameter: {@link #waitForCallIn}, {@link #callIn} and {@link #callSoonIn} take
 * any {@link Portal}, {@link Portals#newThreadPerCall()} and {@link Portals#globalLoop()} included.
 * The Prefect-named methods ({@code callInNewThread}, {@code callInLoopThread}, ...) are one-line
 * delegates that name their target.
 *
 * <h2>Waiting without blocking</h2>
 *
 * Waiting methods return a future that completes like {@link Call#toCompletableFuture()}: with the
 * call's result, or exceptionally with the function's original throwable or a {@link
 * CallCancelledException}. Cancelling that future cancels the call. Meanwhile an {@link
 * AsyncWaiter} runs callbacks that the call sends back ({@link Waiters#current()}) on the caller's
 * event loop (the global loop when the caller is not on a loop), and runs {@code doneCallbacks}
 * there after the call is done, before the future completes.
 *
 * <p>{@code timeout} becomes the call's own timeout ({@link Call#setTimeout}) as the call is handed
 * over; {@code null} leaves the call's timeout as it is.
 *
 * @since 0.1
 */
public final class FromAsync {

  private FromAsync() {}

  // ---------------------------------------------------------------- the general form

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
   * @throws NullPointerException if an argument but {@code timeout} is null
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallIn(
      Portal portal,
      Call<T> call,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    return RuntimeBinding.runtime()
        .router()
        .waitForCallAsync(Targets.requirePortal(portal), call, timeout, doneCallbacks);
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
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallIn(
      Portal portal, Call<T> call, @Nullable Duration timeout) {
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
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallIn(
      Portal portal, Call<T> call) {
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
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallIn(
      Portal portal,
      Callable<? extends T> fn,
      @Nullable Duration timeout,
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
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallIn(
      Portal portal, Callable<? extends T> fn, @Nullable Duration timeout) {
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
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallIn(
      Portal portal, Callable<? extends T> fn) {
    return waitForCallIn(portal, Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on {@code portal} and returns a future of its result: {@link
   * #waitForCallIn(Portal, Call, Duration)}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callIn(
      Portal portal, Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(portal, call, timeout, List.of());
  }

  /**
   * Runs {@code call} on {@code portal}, keeping its timeout: {@link #waitForCallIn(Portal, Call)}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callIn(
      Portal portal, Call<T> call) {
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
  public static <T extends @Nullable Object> CompletableFuture<T> callIn(
      Portal portal, Callable<? extends T> fn, @Nullable Duration timeout) {
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
  public static <T extends @Nullable Object> CompletableFuture<T> callIn(
      Portal portal, Callable<? extends T> fn) {
    return waitForCallIn(portal, Call.<T>of(fn), null, List.of());
  }

  /**
   * Submits {@code call} to {@code portal}, setting its timeout, and returns at once.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the same call, submitted
   * @throws NullPointerException if {@code portal} or {@code call} is null
   */
  public static <T extends @Nullable Object> Call<T> callSoonIn(
      Portal portal, Call<T> call, @Nullable Duration timeout) {
    return RuntimeBinding.runtime().router().callSoon(Targets.requirePortal(portal), call, timeout);
  }

  /**
   * Submits {@code call} to {@code portal}, keeping its timeout.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonIn(Portal portal, Call<T> call) {
    return callSoonIn(portal, call, null);
  }

  /**
   * Wraps {@code fn} in a call and submits it to {@code portal}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonIn(
      Portal portal, Callable<? extends T> fn, @Nullable Duration timeout) {
    return callSoonIn(portal, Call.<T>of(fn), timeout);
  }

  /**
   * Wraps {@code fn} in a call and submits it to {@code portal}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonIn(
      Portal portal, Callable<? extends T> fn) {
    return callSoonIn(portal, Call.<T>of(fn), null);
  }

  // ---------------------------------------------------------------- new threads

  /**
   * {@link #waitForCallIn(Portal, Call, Duration, Collection)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInNewThread(
      Call<T> call, @Nullable Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallIn(Targets.newThread(), call, timeout, doneCallbacks);
  }

  /**
   * {@link #waitForCallIn(Portal, Call, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInNewThread(
      Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(Targets.newThread(), call, timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Call)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInNewThread(
      Call<T> call) {
    return waitForCallIn(Targets.newThread(), call);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable, Duration, Collection)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInNewThread(
      Callable<? extends T> fn,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInNewThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInNewThread(
      Callable<? extends T> fn) {
    return waitForCallInNewThread(Call.<T>of(fn));
  }

  /**
   * {@link #callIn(Portal, Call, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInNewThread(
      Call<T> call, @Nullable Duration timeout) {
    return callIn(Targets.newThread(), call, timeout);
  }

  /**
   * {@link #callIn(Portal, Call)} on a new run-once worker ({@link Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInNewThread(Call<T> call) {
    return callIn(Targets.newThread(), call);
  }

  /**
   * {@link #callIn(Portal, Callable, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInNewThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return callInNewThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #callIn(Portal, Callable)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInNewThread(
      Callable<? extends T> fn) {
    return callInNewThread(Call.<T>of(fn));
  }

  /**
   * {@link #callSoonIn(Portal, Call, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInNewThread(
      Call<T> call, @Nullable Duration timeout) {
    return callSoonIn(Targets.newThread(), call, timeout);
  }

  /**
   * {@link #callSoonIn(Portal, Call)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInNewThread(Call<T> call) {
    return callSoonIn(Targets.newThread(), call);
  }

  /**
   * {@link #callSoonIn(Portal, Callable, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInNewThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return callSoonInNewThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #callSoonIn(Portal, Callable)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInNewThread(Callable<? extends T> fn) {
    return callSoonInNewThread(Call.<T>of(fn));
  }

  // ---------------------------------------------------------------- the global loop

  /**
   * {@link #waitForCallIn(Portal, Call, Duration, Collection)} on the global loop ({@link
   * Portals#globalLoop()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInLoopThread(
      Call<T> call, @Nullable Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallIn(Targets.globalLoop(call, doneCallbacks), call, timeout, doneCallbacks);
  }

  /**
   * {@link #waitForCallIn(Portal, Call, Duration)} on the global loop ({@link
   * Portals#globalLoop()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInLoopThread(
      Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(Targets.globalLoop(call), call, timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Call)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInLoopThread(
      Call<T> call) {
    return waitForCallIn(Targets.globalLoop(call), call);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable, Duration, Collection)} on the global loop ({@link
   * Portals#globalLoop()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInLoopThread(
      Callable<? extends T> fn,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable, Duration)} on the global loop ({@link
   * Portals#globalLoop()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInLoopThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> waitForCallInLoopThread(
      Callable<? extends T> fn) {
    return waitForCallInLoopThread(Call.<T>of(fn));
  }

  /**
   * {@link #callIn(Portal, Call, Duration)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInLoopThread(
      Call<T> call, @Nullable Duration timeout) {
    return callIn(Targets.globalLoop(call), call, timeout);
  }

  /**
   * {@link #callIn(Portal, Call)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return a future of the call's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInLoopThread(Call<T> call) {
    return callIn(Targets.globalLoop(call), call);
  }

  /**
   * {@link #callIn(Portal, Callable, Duration)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInLoopThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return callInLoopThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #callIn(Portal, Callable)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return a future of the function's result
   */
  public static <T extends @Nullable Object> CompletableFuture<T> callInLoopThread(
      Callable<? extends T> fn) {
    return callInLoopThread(Call.<T>of(fn));
  }

  /**
   * {@link #callSoonIn(Portal, Call, Duration)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInLoopThread(
      Call<T> call, @Nullable Duration timeout) {
    return callSoonIn(Targets.globalLoop(call), call, timeout);
  }

  /**
   * {@link #callSoonIn(Portal, Call)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return the same call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInLoopThread(Call<T> call) {
    return callSoonIn(Targets.globalLoop(call), call);
  }

  /**
   * {@link #callSoonIn(Portal, Callable, Duration)} on the global loop ({@link
   * Portals#globalLoop()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInLoopThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return callSoonInLoopThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #callSoonIn(Portal, Callable)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return the new call, submitted
   */
  public static <T extends @Nullable Object> Call<T> callSoonInLoopThread(
      Callable<? extends T> fn) {
    return callSoonInLoopThread(Call.<T>of(fn));
  }
}

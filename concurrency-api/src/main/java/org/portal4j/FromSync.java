package org.portal4j;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.portal4j.internal.RuntimeBinding;

/**
 * Entry points for blocking callers: run a call somewhere else and wait for it on this thread.
 *
 * <h2>The general form</h2>
 *
 * The target is a parameter, as in {@code CompletableFuture.supplyAsync(fn, executor)}: {@link
 * #waitForCallIn}, {@link #callIn} and {@link #callSoonIn} take any {@link Portal}: a worker, a
 * loop, a waiter, one of your own, {@link Portals#newThreadPerCall()} (a new run-once worker per
 * call) or {@link Portals#globalLoop()}. The Prefect-named methods ({@code callInNewThread}, {@code
 * waitForCallInLoopThread}, ...) are one-line delegates that name their target; they are how users
 * coming from Prefect's {@code from_sync} find their way.
 *
 * <h2>Waiting</h2>
 *
 * Every waiting method waits with a {@link SyncWaiter} owned by the calling thread, so code in the
 * call can send work back to this thread through {@link Waiters#current()}. The optional {@code
 * timeout} is set as the call's own timeout (see {@link Call#setTimeout}) as the call is handed
 * over; {@code null} leaves the call's timeout as it is. {@code doneCallbacks} run on this thread
 * after the call is done, before the method returns. Called on a loop's own thread for that loop, a
 * method runs the call inline instead of waiting for itself.
 *
 * <p>Interrupting the waiting thread cancels the call; the method then throws {@link
 * CallCancelledException} with the thread's interrupt flag still set. Results and exceptions come
 * out as from {@link Call#result()}. A wait that could never end (the call needs this very thread,
 * directly or through a cycle of waiting threads) fails fast with a {@link DeadlockException}
 * before the call is queued, leaving the call as it was.
 *
 * @since 0.1
 */
public final class FromSync {

  private FromSync() {}

  // ---------------------------------------------------------------- the general form

  /**
   * Runs {@code call} on {@code portal} and waits for it, running callbacks it sends back
   * meanwhile; then runs {@code doneCallbacks}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return the call's result
   * @throws NullPointerException if an argument but {@code timeout} is null
   */
  public static <T extends @Nullable Object> T waitForCallIn(
      Portal portal,
      Call<T> call,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    return RuntimeBinding.runtime()
        .router()
        .waitForCall(Targets.requirePortal(portal), call, timeout, doneCallbacks);
  }

  /**
   * Same as {@link #waitForCallIn(Portal, Call, Duration, Collection)} with no done callbacks.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallIn(
      Portal portal, Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(portal, call, timeout, List.of());
  }

  /**
   * Same as {@link #waitForCallIn(Portal, Call, Duration, Collection)}, keeping the call's timeout.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallIn(Portal portal, Call<T> call) {
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
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallIn(
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
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallIn(
      Portal portal, Callable<? extends T> fn, @Nullable Duration timeout) {
    return waitForCallIn(portal, Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallIn(Portal, Call)}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallIn(
      Portal portal, Callable<? extends T> fn) {
    return waitForCallIn(portal, Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on {@code portal} and waits for its result: {@link #waitForCallIn(Portal,
   * Call, Duration)}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T callIn(
      Portal portal, Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(portal, call, timeout, List.of());
  }

  /**
   * Runs {@code call} on {@code portal}, keeping its timeout: {@link #waitForCallIn(Portal, Call)}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T callIn(Portal portal, Call<T> call) {
    return waitForCallIn(portal, call, null, List.of());
  }

  /**
   * Runs {@code fn} on {@code portal}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T callIn(
      Portal portal, Callable<? extends T> fn, @Nullable Duration timeout) {
    return waitForCallIn(portal, Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Runs {@code fn} on {@code portal}.
   *
   * @param portal where the call runs
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T callIn(Portal portal, Callable<? extends T> fn) {
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
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallInNewThread(
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
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallInNewThread(
      Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(Targets.newThread(), call, timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Call)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallInNewThread(Call<T> call) {
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
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallInNewThread(
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
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallInNewThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallInNewThread(Callable<? extends T> fn) {
    return waitForCallInNewThread(Call.<T>of(fn));
  }

  /**
   * {@link #callIn(Portal, Call, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T callInNewThread(
      Call<T> call, @Nullable Duration timeout) {
    return callIn(Targets.newThread(), call, timeout);
  }

  /**
   * {@link #callIn(Portal, Call)} on a new run-once worker ({@link Portals#newThreadPerCall()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T callInNewThread(Call<T> call) {
    return callIn(Targets.newThread(), call);
  }

  /**
   * {@link #callIn(Portal, Callable, Duration)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T callInNewThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return callInNewThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #callIn(Portal, Callable)} on a new run-once worker ({@link
   * Portals#newThreadPerCall()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T callInNewThread(Callable<? extends T> fn) {
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
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallInLoopThread(
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
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallInLoopThread(
      Call<T> call, @Nullable Duration timeout) {
    return waitForCallIn(Targets.globalLoop(call), call, timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Call)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T waitForCallInLoopThread(Call<T> call) {
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
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallInLoopThread(
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
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallInLoopThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #waitForCallIn(Portal, Callable)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T waitForCallInLoopThread(Callable<? extends T> fn) {
    return waitForCallInLoopThread(Call.<T>of(fn));
  }

  /**
   * {@link #callIn(Portal, Call, Duration)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T callInLoopThread(
      Call<T> call, @Nullable Duration timeout) {
    return callIn(Targets.globalLoop(call), call, timeout);
  }

  /**
   * {@link #callIn(Portal, Call)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T extends @Nullable Object> T callInLoopThread(Call<T> call) {
    return callIn(Targets.globalLoop(call), call);
  }

  /**
   * {@link #callIn(Portal, Callable, Duration)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T callInLoopThread(
      Callable<? extends T> fn, @Nullable Duration timeout) {
    return callInLoopThread(Call.<T>of(fn), timeout);
  }

  /**
   * {@link #callIn(Portal, Callable)} on the global loop ({@link Portals#globalLoop()}).
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T extends @Nullable Object> T callInLoopThread(Callable<? extends T> fn) {
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

package org.portal4j;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.portal4j.internal.RuntimeBinding;

/**
 * Entry points for blocking callers: run a call somewhere else and wait for it on this thread.
 *
 * <p>Every waiting method waits with a {@link SyncWaiter} owned by the calling thread, so code in
 * the call can send work back to this thread through {@link Waiters#current()}. The optional {@code
 * timeout} is set as the call's own timeout (see {@link Call#setTimeout}); {@code null} leaves the
 * call's timeout as it is. {@code doneCallbacks} run on this thread after the call is done, before
 * the method returns.
 *
 * <p>New-thread methods use a run-once worker of the chosen worker backend, so nothing they start
 * outlives its call. Loop methods use the {@linkplain Portals#globalLoop() global loop}; called on
 * the loop's own thread they run the call inline instead of waiting for themselves.
 *
 * <p>Interrupting the waiting thread cancels the call; the method then throws {@link
 * CallCancelledException} with the thread's interrupt flag still set. Results and exceptions come
 * out as from {@link Call#result()}. A wait that could only finish on the current thread fails fast
 * with {@link IllegalStateException} instead of hanging.
 */
public final class FromSync {

  private FromSync() {}

  /**
   * Runs {@code call} on a new run-once worker thread and waits for it, running callbacks it sends
   * back meanwhile; then runs {@code doneCallbacks}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallInNewThread(
      Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return RuntimeBinding.runtime().waitForCall(NEW_THREAD, call, timeout, doneCallbacks);
  }

  /**
   * Same as {@link #waitForCallInNewThread(Call, Duration, Collection)} with no done callbacks.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallInNewThread(Call<T> call, Duration timeout) {
    return waitForCallInNewThread(call, timeout, List.of());
  }

  /**
   * Same as {@link #waitForCallInNewThread(Call, Duration, Collection)}, keeping the call's
   * timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallInNewThread(Call<T> call) {
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
   * @return the function's result
   */
  public static <T> T waitForCallInNewThread(
      Callable<? extends T> fn, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInNewThread(Call, Duration)}.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T waitForCallInNewThread(Callable<? extends T> fn, Duration timeout) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInNewThread(Call)}.
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T waitForCallInNewThread(Callable<? extends T> fn) {
    return waitForCallInNewThread(Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on a new run-once worker thread; the same as {@link
   * #waitForCallInNewThread(Call, Duration)}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T callInNewThread(Call<T> call, Duration timeout) {
    return waitForCallInNewThread(call, timeout, List.of());
  }

  /**
   * Runs {@code call} on a new run-once worker thread, keeping the call's timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T callInNewThread(Call<T> call) {
    return waitForCallInNewThread(call, null, List.of());
  }

  /**
   * Runs {@code fn} on a new run-once worker thread.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T callInNewThread(Callable<? extends T> fn, Duration timeout) {
    return waitForCallInNewThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Runs {@code fn} on a new run-once worker thread.
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T callInNewThread(Callable<? extends T> fn) {
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
    return RuntimeBinding.runtime().callSoon(NEW_THREAD_SOON, call, timeout);
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
   * Runs {@code call} on the global event loop and waits for it, running callbacks it sends back
   * meanwhile; then runs {@code doneCallbacks}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallInLoopThread(
      Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return RuntimeBinding.runtime().waitForCall(GLOBAL_LOOP, call, timeout, doneCallbacks);
  }

  /**
   * Same as {@link #waitForCallInLoopThread(Call, Duration, Collection)} with no done callbacks.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallInLoopThread(Call<T> call, Duration timeout) {
    return waitForCallInLoopThread(call, timeout, List.of());
  }

  /**
   * Same as {@link #waitForCallInLoopThread(Call, Duration, Collection)}, keeping the call's
   * timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallInLoopThread(Call<T> call) {
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
   * @return the function's result
   */
  public static <T> T waitForCallInLoopThread(
      Callable<? extends T> fn, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, doneCallbacks);
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInLoopThread(Call, Duration)}.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T waitForCallInLoopThread(Callable<? extends T> fn, Duration timeout) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Wraps {@code fn} in a call and runs it like {@link #waitForCallInLoopThread(Call)}.
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T waitForCallInLoopThread(Callable<? extends T> fn) {
    return waitForCallInLoopThread(Call.<T>of(fn), null, List.of());
  }

  /**
   * Runs {@code call} on the global event loop; the same as {@link #waitForCallInLoopThread(Call,
   * Duration)}.
   *
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T callInLoopThread(Call<T> call, Duration timeout) {
    return waitForCallInLoopThread(call, timeout, List.of());
  }

  /**
   * Runs {@code call} on the global event loop, keeping the call's timeout.
   *
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T callInLoopThread(Call<T> call) {
    return waitForCallInLoopThread(call, null, List.of());
  }

  /**
   * Runs {@code fn} on the global event loop.
   *
   * @param fn the function
   * @param timeout the call's timeout, or null for none
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T callInLoopThread(Callable<? extends T> fn, Duration timeout) {
    return waitForCallInLoopThread(Call.<T>of(fn), timeout, List.of());
  }

  /**
   * Runs {@code fn} on the global event loop.
   *
   * @param fn the function
   * @param <T> the result type
   * @return the function's result
   */
  public static <T> T callInLoopThread(Callable<? extends T> fn) {
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
   * Runs {@code call} on {@code portal} and waits for it, running callbacks it sends back
   * meanwhile; then runs {@code doneCallbacks}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T waitForCallIn(
      Portal portal, Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    if (portal == null) {
      throw new NullPointerException("portal");
    }
    return RuntimeBinding.runtime().waitForCall(() -> portal, call, timeout, doneCallbacks);
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
  public static <T> T waitForCallIn(Portal portal, Call<T> call, Duration timeout) {
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
  public static <T> T waitForCallIn(Portal portal, Call<T> call) {
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
  public static <T> T waitForCallIn(
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
   * @return the function's result
   */
  public static <T> T waitForCallIn(Portal portal, Callable<? extends T> fn, Duration timeout) {
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
  public static <T> T waitForCallIn(Portal portal, Callable<? extends T> fn) {
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
   * @return the call's result
   */
  public static <T> T callIn(Portal portal, Call<T> call, Duration timeout) {
    return waitForCallIn(portal, call, timeout, List.of());
  }

  /**
   * Runs {@code call} on {@code portal}, keeping the call's timeout.
   *
   * @param portal where the call runs
   * @param call the call
   * @param <T> the result type
   * @return the call's result
   */
  public static <T> T callIn(Portal portal, Call<T> call) {
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
  public static <T> T callIn(Portal portal, Callable<? extends T> fn, Duration timeout) {
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
  public static <T> T callIn(Portal portal, Callable<? extends T> fn) {
    return waitForCallIn(portal, Call.<T>of(fn), null, List.of());
  }

  /** A run-once worker per call that the caller waits for. */
  private static final Supplier<Portal> NEW_THREAD =
      () -> RuntimeBinding.runtime().newThreadPortal(true);

  /** A run-once worker per call that nobody waits for: it keeps the JVM alive until it ran. */
  private static final Supplier<Portal> NEW_THREAD_SOON =
      () -> RuntimeBinding.runtime().newThreadPortal(false);

  private static final Supplier<Portal> GLOBAL_LOOP = () -> RuntimeBinding.runtime().globalLoop();
}

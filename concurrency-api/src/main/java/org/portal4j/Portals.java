package org.portal4j;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.portal4j.internal.RuntimeBinding;
import org.portal4j.spi.PortalKind;

/**
 * Makes portals with the backend chosen for each {@link PortalKind}: per kind the available {@link
 * org.portal4j.spi.PortalProvider} with the highest priority, unless the system property {@code
 * portal4j.worker} or {@code portal4j.loop} names another one.
 *
 * @since 0.1
 */
public final class Portals {

  private Portals() {}

  /**
   * A new, not yet started worker portal with {@linkplain PortalOptions#defaults() default
   * options}. It starts on its first submit.
   *
   * @return the worker
   * @throws IllegalStateException if no runtime is on the class path, or the configured backend is
   *     unknown
   */
  public static WorkerPortal newWorkerThread() {
    return newWorkerThread(PortalOptions.defaults());
  }

  /**
   * A new, not yet started worker portal.
   *
   * @param options how to make it
   * @return the worker
   * @throws NullPointerException if {@code options} is null
   * @throws IllegalStateException if no runtime is on the class path, or the configured backend is
   *     unknown
   */
  public static WorkerPortal newWorkerThread(PortalOptions options) {
    if (options == null) {
      throw new NullPointerException("options");
    }
    return RuntimeBinding.runtime().portals().newWorker(options);
  }

  /**
   * A new, not yet started event loop with {@linkplain PortalOptions#defaults() default options}.
   * It starts on its first submit or {@link LoopPortal#start()}.
   *
   * @return the loop
   * @throws IllegalStateException if no runtime is on the class path, or the configured backend is
   *     unknown
   */
  public static LoopPortal newEventLoopThread() {
    return newEventLoopThread(PortalOptions.defaults());
  }

  /**
   * A new, not yet started event loop.
   *
   * @param options how to make it (with {@code runOnce}, the loop runs one call and shuts down)
   * @return the loop
   * @throws NullPointerException if {@code options} is null
   * @throws IllegalStateException if no runtime is on the class path, or the configured backend is
   *     unknown
   */
  public static LoopPortal newEventLoopThread(PortalOptions options) {
    if (options == null) {
      throw new NullPointerException("options");
    }
    return RuntimeBinding.runtime().portals().newLoop(options);
  }

  /**
   * A portal that runs each call submitted to it on a new run-once worker of the chosen worker
   * backend, so nothing it starts outlives its call: the target of the new-thread methods of {@link
   * FromSync} and {@link FromAsync}. If the backend fails to make the worker, the call ends,
   * cancelled with that failure as cause, which the submit then throws. No worker is made before a
   * call is submitted.
   *
   * @return the portal
   * @throws IllegalStateException if no runtime is on the class path
   */
  public static Portal newThreadPerCall() {
    return RuntimeBinding.runtime().portals().newThreadPerCall();
  }

  /**
   * The global event loop: a running daemon loop whose thread is named {@code
   * GlobalEventLoopThread}, created on first use. After it was shut down, the next call returns a
   * new one.
   *
   * @return the running global loop
   */
  public static LoopPortal globalLoop() {
    return RuntimeBinding.runtime().portals().globalLoop();
  }

  /**
   * Whether the current thread is the global loop's thread. Never creates the loop.
   *
   * @return true on the global loop's thread
   */
  public static boolean inGlobalLoop() {
    return RuntimeBinding.runtime().portals().inGlobalLoop();
  }

  /**
   * Shuts the global loop down (if there is one) and waits until its thread has exited or the
   * timeout elapsed; a loop that did not exit in time is logged at WARN. An interrupt ends the wait
   * with a {@link java.util.concurrent.CompletionException} caused by the {@link
   * InterruptedException}, flag still set.
   *
   * @param timeout how long to wait at most
   * @throws IllegalStateException if called on the global loop's own thread
   */
  public static void waitForGlobalLoopExit(Duration timeout) {
    if (timeout == null) {
      throw new NullPointerException("timeout");
    }
    RuntimeBinding.runtime().portals().waitForGlobalLoopExit(timeout);
  }

  /**
   * The loop whose thread the current thread is, if any.
   *
   * @return the current loop
   */
  public static Optional<LoopPortal> currentLoop() {
    return RuntimeBinding.runtime().portals().currentLoop();
  }

  /**
   * The name of the provider chosen for each kind, such as {@code {WORKER=platform,
   * LOOP=platform}}.
   *
   * @return an unmodifiable map from kind to provider name
   * @throws IllegalStateException if the provider configured for a kind is unknown
   */
  public static Map<PortalKind, String> backends() {
    return RuntimeBinding.runtime().portals().backends();
  }

  /**
   * An {@link ExecutorService} over a worker, for code that wants one: each task becomes a {@link
   * Call}, made on the submitting thread (so it carries that thread's context) and submitted to
   * {@code worker}, in submission order.
   *
   * <ul>
   *   <li>{@code submit} returns a {@code Future} view of the call: cancelling it cancels the call,
   *       which interrupts it if it is running (with {@code cancel(false)} too); {@code get} throws
   *       {@code ExecutionException} with what the task threw.
   *   <li>{@code invokeAll} and {@code invokeAny} behave as for any {@code
   *       AbstractExecutorService}: on one worker, the tasks run one after another.
   *   <li>{@code shutdown}, {@code isShutdown} and {@code awaitTermination} are the worker's;
   *       {@code isTerminated} is true once it is shut down and its thread has exited; {@code
   *       shutdownNow} shuts it down, cancels every call submitted through this executor that has
   *       not ended (interrupting a running one) and returns the tasks that never started.
   *   <li>A task the worker refuses (shut down, or run-once and used) makes {@code submit} and
   *       {@code execute} throw {@code RejectedExecutionException} (with the worker's exception as
   *       cause when it threw another).
   * </ul>
   *
   * The executor holds no thread of its own: shutting it down shuts the worker down, and the worker
   * may still be used directly.
   *
   * @param worker the worker that runs the tasks
   * @return a new executor over it
   * @throws NullPointerException if {@code worker} is null
   * @throws IllegalStateException if no runtime is on the class path
   * @since 0.1
   */
  public static ExecutorService asExecutorService(WorkerPortal worker) {
    if (worker == null) {
      throw new NullPointerException("worker");
    }
    RuntimeBinding.runtime(); // fail now, not at the first submit, without a runtime
    return new WorkerPortalExecutorService(worker);
  }
}

package org.portal4j;

import java.util.concurrent.Executor;

/**
 * A portal that is one thread running many calls without blocking (Prefect's {@code
 * EventLoopThread}). Sync calls run inline on the loop's thread, one after another; an async call
 * ({@link Call#ofAsync}) runs its function on the loop and then leaves the loop free while its
 * stage is pending, so thousands can be in flight on one loop.
 *
 * <p>{@link #start()} returns once the loop is ready, and rethrows a start-up failure. At shutdown
 * the loop runs the calls already queued, then the {@linkplain #addShutdownCall shutdown calls} in
 * order (awaiting async ones, each bounded by the loop's shutdown grace), then cancels async calls
 * still in flight, then exits.
 *
 * <p>As an {@link Executor} it runs plain tasks on the loop thread, in order with submitted calls;
 * tasks are accepted until the loop has terminated, so continuations of in-flight work still run
 * during shutdown.
 *
 * @since 0.1
 */
public interface LoopPortal extends WorkerPortal, Executor {

  /**
   * Adds a call to run on the loop at shutdown, after the calls already queued and in the order
   * added. Once run, shutdown calls are forgotten.
   *
   * @param call the call
   * @throws NullPointerException if {@code call} is null
   * @throws java.util.concurrent.RejectedExecutionException if the loop is already shutting down
   */
  void addShutdownCall(Call<?> call);

  /**
   * Whether the current thread is this loop's thread.
   *
   * @return true on the loop's thread
   */
  boolean inLoop();

  /**
   * Runs {@code task} on the loop thread.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the loop has terminated
   */
  @Override
  void execute(Runnable task);
}

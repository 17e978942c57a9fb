package org.portal4j;

import java.time.Duration;

/**
 * A portal that runs calls on a thread of its own, one call after another, in submission order
 * (Prefect's {@code WorkerThread}).
 *
 * <p>Lifecycle: <em>new</em> → <em>running</em> (on {@link #start()} or the first submit) →
 * <em>shutting down</em> (on {@link #shutdown()}; queued calls still run, new submits are rejected)
 * → <em>terminated</em>. A call's {@code run()} never throws, so a failing call never ends the
 * worker's thread.
 *
 * <p>An async call ({@link Call#ofAsync}) occupies the worker only while its function runs; the
 * call completes later, when its stage does.
 *
 * @since 0.1
 */
public interface WorkerPortal extends Portal, AutoCloseable {

  /**
   * Starts the worker's thread if it is not started yet. Idempotent and thread-safe: many threads
   * calling it at once start exactly one thread.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the worker was shut down
   */
  void start();

  /**
   * Stops accepting calls; calls already queued still run, then the thread exits. Does not wait;
   * use {@link #awaitTermination(Duration)} for that.
   */
  void shutdown();

  /**
   * Waits until the worker has shut down and its thread has exited.
   *
   * @param timeout how long to wait at most
   * @return true if terminated, false if the timeout elapsed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * Whether {@link #shutdown()} was called (a run-once worker shuts itself down once it has its
   * call): the portal takes no more calls.
   *
   * @return true once shut down
   */
  boolean isShutdown();

  /**
   * Whether the worker's thread has started and not yet terminated.
   *
   * @return true while the worker runs
   */
  boolean isRunning();

  /**
   * Whether the worker's thread is a daemon thread (does not keep the JVM alive).
   *
   * @return the daemon flag the worker was created with
   */
  boolean isDaemon();

  /** Same as {@link #shutdown()}. */
  @Override
  void close();
}

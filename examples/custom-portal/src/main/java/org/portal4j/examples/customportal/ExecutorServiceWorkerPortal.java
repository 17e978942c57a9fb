package org.portal4j.examples.customportal;

import java.util.concurrent.ExecutorService;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * A worker portal that runs its calls on an {@link ExecutorService} you already own (a pool with
 * your metrics, your thread names, your limits), instead of on a thread of its own.
 *
 * <p>All of its lifecycle comes from {@link AbstractWorkerPortal}; this class only says where calls
 * run. What that gives it:
 *
 * <ul>
 *   <li>One call at a time, in submission order, on whichever pool thread the executor picks: the
 *       portal hands the executor one drain task at a time, also over a pool of many threads.
 *   <li>{@link #submit} sets the runner and queues the call; if the executor later refuses to run
 *       the portal's drain (it was shut down, or its queue is full), the calls queued then are
 *       cancelled with the refusal as cause and a WARN says how many.
 *   <li>{@link #shutdown()} stops the portal taking calls; the calls it took still run. {@link
 *       #awaitTermination} waits for them, never for the executor, which stays yours to shut down
 *       (after this portal, or its calls are cancelled).
 *   <li>It is not bound to one thread, so a call that waits for another call of the same
 *       single-thread executor is not detected as a deadlock. Don't.
 *   <li>Cancellation and timeouts interrupt the pool thread running the call; the call clears the
 *       interrupt before the thread goes back to the pool.
 * </ul>
 *
 * <p>Thread-safe: any thread may submit, start and shut down.
 */
public final class ExecutorServiceWorkerPortal extends AbstractWorkerPortal {

  /**
   * A portal over {@code executor}.
   *
   * @param executor where calls run; it stays the caller's: this portal never shuts it down
   * @param options the name ({@code ExecutorWorker-N} when null) and run-once; {@code daemon} is
   *     reported by {@link #isDaemon()}, but whether the pool's threads keep the JVM alive is up to
   *     its thread factory
   */
  public ExecutorServiceWorkerPortal(ExecutorService executor, PortalOptions options) {
    super(options, "ExecutorWorker", executor);
  }
}

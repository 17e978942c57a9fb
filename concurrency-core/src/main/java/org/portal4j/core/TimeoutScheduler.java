package org.portal4j.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.portal4j.spi.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that enforces every call's timeout in this JVM: a daemon named {@value
 * #THREAD_NAME}, started on the first timed call, or on the first call a portal takes (the ticks of
 * {@link CoarseClock}). Tasks must be short; a task that throws is logged and the scheduler goes
 * on.
 *
 * <p>Other modules (custom portals, the queue services' interval flushes and drain progress logs)
 * share this thread through {@link org.portal4j.spi.PortalSupport#schedule}. A cancelled task is
 * removed from the queue at once, so a cancelled timer keeps nothing alive.
 */
final class TimeoutScheduler {

  /** The name of the scheduler's thread. */
  static final String THREAD_NAME = "portal4j-timeout-scheduler";

  private static final Logger log = LoggerFactory.getLogger(TimeoutScheduler.class);

  private TimeoutScheduler() {}

  private static final class Holder {
    static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              task -> {
                Thread thread = new Thread(task, THREAD_NAME);
                thread.setDaemon(true);
                return thread;
              });
      // Finished calls cancel their timers; removing them keeps the queue as small as the
      // number of calls in flight.
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  /**
   * Runs {@code task} on the scheduler thread after {@code delay}. The task must be short (hand
   * real work to a portal) and must not block.
   *
   * @param task the task; a throw is logged
   * @param delay how long from now
   * @return the timer, to cancel
   */
  static ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return schedule(task, Deadline.nanosOf(delay));
  }

  /**
   * Runs {@code task} on the scheduler thread after {@code nanos}.
   *
   * @param task the task; a throw is logged
   * @param nanos how long from now, in nanoseconds; {@link Long#MAX_VALUE} never fires
   * @return the timer, to cancel
   */
  static ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return Holder.EXECUTOR.schedule(
        () -> {
          try {
            task.run();
          } catch (Throwable t) {
            log.error("Timeout task {} failed", task, t);
          }
        },
        nanos, // saturated by the caller: a huge delay never fires, and never throws
        TimeUnit.NANOSECONDS);
  }

  /** How many tasks wait in the scheduler's queue; for tests. */
  static int queuedForTest() {
    return Holder.EXECUTOR.getQueue().size();
  }

  /**
   * Runs {@code task} on the scheduler thread now and returns its result: for tests that look at
   * state only that thread touches.
   */
  static <T> T callOnTimerThread(Callable<T> task) throws Exception {
    try {
      return Holder.EXECUTOR.submit(task).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }
}

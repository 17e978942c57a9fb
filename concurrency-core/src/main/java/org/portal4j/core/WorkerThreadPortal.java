package org.portal4j.core;

import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * The platform backend's worker portal: one platform thread of its own, named after the portal,
 * running calls one at a time in submission order. The lifecycle is {@link AbstractWorkerPortal}'s.
 *
 * @since 0.1
 */
public class WorkerThreadPortal extends AbstractWorkerPortal {

  private final @Nullable BiFunction<Runnable, String, Thread> threadFactory;

  /**
   * A worker on a platform thread named after the portal.
   *
   * @param options name, daemon flag, run-once
   */
  public WorkerThreadPortal(PortalOptions options) {
    this(options, null);
  }

  /**
   * A worker whose thread comes from {@code threadFactory}, given the worker's task and name.
   *
   * @param options name, daemon flag, run-once
   * @param threadFactory makes the (unstarted) thread that runs the given task, named with the
   *     given name; null for a platform thread
   */
  protected WorkerThreadPortal(
      PortalOptions options, @Nullable BiFunction<Runnable, String, Thread> threadFactory) {
    super(options, "WorkerThread");
    this.threadFactory = threadFactory;
  }

  @Override
  protected Thread newThread(Runnable body) {
    return threadFactory == null ? super.newThread(body) : threadFactory.apply(body, name());
  }
}

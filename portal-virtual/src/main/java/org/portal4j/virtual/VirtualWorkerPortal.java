package org.portal4j.virtual;

import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * A worker portal whose thread is a virtual thread named after the portal. Calls run in submission
 * order, as on any worker; a blocking call parks the virtual thread and frees its carrier. The
 * lifecycle is {@link AbstractWorkerPortal}'s.
 *
 * <p>Virtual threads are always daemon threads, so a worker made with {@code daemon=false} (the
 * default) keeps the JVM alive through the runtime's shared keeper thread until it terminates,
 * exactly like a platform worker's own thread would.
 *
 * @since 0.1
 */
public final class VirtualWorkerPortal extends AbstractWorkerPortal {

  /**
   * A virtual-thread worker.
   *
   * @param options name, daemon flag, run-once
   */
  public VirtualWorkerPortal(PortalOptions options) {
    super(options, "WorkerThread");
  }

  @Override
  protected Thread newThread(Runnable body) {
    return Thread.ofVirtual().name(name()).unstarted(body);
  }
}

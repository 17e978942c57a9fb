package org.portal4j.virtual;

import org.portal4j.PortalOptions;
import org.portal4j.core.WorkerThreadPortal;

/**
 * A worker portal whose thread is a virtual thread named after the portal. Calls run in submission
 * order, as on any worker; a blocking call parks the virtual thread and frees its carrier.
 *
 * <p>Virtual threads are always daemon threads: {@link #isDaemon()} is true whatever the options
 * say, and a virtual worker never keeps the JVM alive.
 */
public final class VirtualWorkerPortal extends WorkerThreadPortal {

  /**
   * A virtual-thread worker.
   *
   * @param options name and run-once ({@code daemon} cannot apply: virtual threads are daemons)
   */
  public VirtualWorkerPortal(PortalOptions options) {
    super(options, (task, name) -> Thread.ofVirtual().name(name).unstarted(task));
  }

  @Override
  public boolean isDaemon() {
    return true;
  }
}

package org.portal4j.virtual;

import org.portal4j.spi.PortalProvider;
import org.portal4j.test.tck.WorkerPortalTck;

/** The virtual-thread backend's workers keep the worker contract: the portal TCK. */
class VirtualWorkerPortalConformanceTest extends WorkerPortalTck {

  @Override
  protected PortalProvider provider() {
    return new VirtualPortalProvider();
  }

  /**
   * Virtual threads are always daemons; a non-daemon virtual worker keeps the JVM alive through the
   * runtime's keeper thread instead, which {@link VirtualDaemonTest} checks in a child JVM.
   */
  @Override
  protected boolean threadDaemonFlagFollowsOptions() {
    return false;
  }
}

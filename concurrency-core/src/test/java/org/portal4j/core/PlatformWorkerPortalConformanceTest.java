package org.portal4j.core;

import org.portal4j.spi.PortalProvider;
import org.portal4j.test.tck.WorkerPortalTck;

/** The platform backend's workers keep the worker contract: the TCK, as any backend runs it. */
class PlatformWorkerPortalConformanceTest extends WorkerPortalTck {

  @Override
  protected PortalProvider provider() {
    return new PlatformPortalProvider();
  }
}

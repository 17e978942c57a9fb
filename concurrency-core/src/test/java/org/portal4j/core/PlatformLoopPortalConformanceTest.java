package org.portal4j.core;

import java.time.Duration;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.tck.LoopPortalTck;

/** The platform backend's event loops keep the loop contract: the TCK, as any backend runs it. */
class PlatformLoopPortalConformanceTest extends LoopPortalTck {

  @Override
  protected PortalProvider provider() {
    return new PlatformPortalProvider();
  }

  @Override
  protected LoopPortal newLoopWithShutdownGrace(PortalOptions options, Duration grace) {
    return new EventLoopPortal(options, grace);
  }
}

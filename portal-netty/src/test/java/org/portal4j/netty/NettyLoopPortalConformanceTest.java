package org.portal4j.netty;

import java.time.Duration;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.tck.LoopPortalTck;

/** The Netty backend's event loops keep the loop contract: the portal TCK. */
class NettyLoopPortalConformanceTest extends LoopPortalTck {

  @Override
  protected PortalProvider provider() {
    return new NettyPortalProvider();
  }

  @Override
  protected LoopPortal newLoopWithShutdownGrace(PortalOptions options, Duration grace) {
    return NettyPortals.newLoop(options, grace);
  }
}

package org.portal4j.netty;

import com.google.auto.service.AutoService;
import java.util.EnumSet;
import java.util.Set;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.core.CurrentLoop;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * Event loops on Netty: provider {@value #NAME}, priority 50, so with this jar on the class path
 * the global loop and new event loop threads are Netty event loops. It also teaches {@link
 * org.portal4j.Portals#currentLoop()} to recognise any Netty loop thread.
 */
@AutoService(PortalProvider.class)
public final class NettyPortalProvider implements PortalProvider {

  /** The name that selects this provider. */
  public static final String NAME = "netty";

  static {
    CurrentLoop.addResolver(NettyPortals::currentLoop);
  }

  /** Required by {@link java.util.ServiceLoader}. */
  public NettyPortalProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 50;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.LOOP);
  }

  @Override
  public LoopPortal newLoop(PortalOptions options) {
    return NettyPortals.newLoop(options);
  }
}

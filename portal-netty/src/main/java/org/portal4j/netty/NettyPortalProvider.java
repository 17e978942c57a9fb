package org.portal4j.netty;

import com.google.auto.service.AutoService;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * Event loops on Netty: provider {@value #NAME}, priority 50, so with this jar on the class path
 * the global loop and new event loop threads are Netty event loops. When chosen, it answers {@link
 * org.portal4j.Portals#currentLoop()} on Netty threads that a portal of this module runs on (a
 * {@linkplain NettyPortals#wrap wrapped} loop, or one it made), also outside the portal's tasks.
 *
 * @since 0.1
 */
@AutoService(PortalProvider.class)
public final class NettyPortalProvider implements PortalProvider {

  /** The name that selects this provider. */
  public static final String NAME = "netty";

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

  @Override
  public Optional<LoopPortal> currentLoop() {
    return NettyPortals.currentLoop();
  }
}

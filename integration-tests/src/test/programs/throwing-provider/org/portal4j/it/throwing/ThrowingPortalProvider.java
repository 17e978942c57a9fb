package org.portal4j.it.throwing;

import java.util.EnumSet;
import java.util.Set;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * A broken backend: its constructor throws, as one that cannot find its configuration might. The
 * runtime must log it at WARN and go on with the other providers. Its priority would win if it
 * could be made.
 */
public final class ThrowingPortalProvider implements PortalProvider {

  public ThrowingPortalProvider() {
    throw new IllegalStateException("ThrowingPortalProvider refuses to be constructed");
  }

  @Override
  public String name() {
    return "throwing";
  }

  @Override
  public int priority() {
    return 10_000;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.WORKER, PortalKind.LOOP);
  }
}

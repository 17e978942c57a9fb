package org.portal4j.core;

import com.google.auto.service.AutoService;
import java.util.EnumSet;
import java.util.Set;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * The built-in backend: worker threads and event loops on platform threads. Priority 0, so any
 * other backend wins.
 *
 * @since 0.1
 */
@AutoService(PortalProvider.class)
public final class PlatformPortalProvider implements PortalProvider {

  /** The name that selects this provider. */
  public static final String NAME = "platform";

  /** Required by {@link java.util.ServiceLoader}. */
  public PlatformPortalProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.WORKER, PortalKind.LOOP);
  }

  @Override
  public WorkerPortal newWorker(PortalOptions options) {
    return new WorkerThreadPortal(options);
  }

  @Override
  public LoopPortal newLoop(PortalOptions options) {
    return new EventLoopPortal(options);
  }
}

package org.portal4j.virtual;

import com.google.auto.service.AutoService;
import java.util.EnumSet;
import java.util.Set;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * Worker portals on virtual threads: provider {@value #NAME}, priority 100, so it wins over the
 * platform backend whenever this jar is on the class path of a Java 21+ JVM. On older JVMs this
 * class cannot even load (it is compiled for Java 21) and the runtime skips it.
 *
 * @since 0.1
 */
@AutoService(PortalProvider.class)
public final class VirtualPortalProvider implements PortalProvider {

  /** The name that selects this provider. */
  public static final String NAME = "virtual";

  /** Required by {@link java.util.ServiceLoader}. */
  public VirtualPortalProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.WORKER);
  }

  @Override
  public boolean isAvailable() {
    return Runtime.version().feature() >= 21;
  }

  @Override
  public WorkerPortal newWorker(PortalOptions options) {
    return new VirtualWorkerPortal(options);
  }
}

package org.portal4j.core;

import com.google.auto.service.AutoService;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.portal4j.LoopPortal;
import org.portal4j.spi.CallFactory;
import org.portal4j.spi.CallRouter;
import org.portal4j.spi.ConcurrencyRuntime;
import org.portal4j.spi.PortalFactory;
import org.portal4j.spi.PortalSupport;
import org.portal4j.spi.WaiterFactory;

/**
 * concurrency-core's binding of the API, found by the API with {@link java.util.ServiceLoader}: the
 * factories of core, and the SPI version it was built for.
 *
 * @since 0.1
 */
@AutoService(ConcurrencyRuntime.class)
public final class CoreRuntime implements ConcurrencyRuntime {

  /** The global loop's name, which is also its thread's name. */
  public static final String GLOBAL_LOOP_NAME = CorePortals.GLOBAL_LOOP_NAME;

  private final CoreCalls calls = new CoreCalls();
  private final CorePortals portals;
  private final CoreWaiters waiters;
  private final CoreRouter router;
  private final PortalSupport portalSupport;

  /** Required by {@link java.util.ServiceLoader}; backends come from the class path. */
  public CoreRuntime() {
    this(Backends.fromClassPath(), true);
  }

  /** A runtime over {@code backends} that installs no JVM exit hook: for tests. */
  CoreRuntime(Backends backends) {
    this(backends, false);
  }

  private CoreRuntime(Backends backends, boolean exitHook) {
    AtomicReference<LoopPortal> global = new AtomicReference<>();
    LivePortals live = new LivePortals(() -> Optional.ofNullable(global.get()), exitHook);
    this.portals = new CorePortals(backends, live, global);
    this.waiters = new CoreWaiters(portals::loopOfCaller);
    this.router = new CoreRouter(portals, waiters.registry());
    this.portalSupport = new CorePortalSupport(live);
  }

  @Override
  public String apiVersion() {
    return API_VERSION; // copied by the compiler: the API version core was built against
  }

  @Override
  public CallFactory calls() {
    return calls;
  }

  @Override
  public PortalFactory portals() {
    return portals;
  }

  @Override
  public WaiterFactory waiters() {
    return waiters;
  }

  @Override
  public CallRouter router() {
    return router;
  }

  @Override
  public PortalSupport portalSupport() {
    return portalSupport;
  }
}

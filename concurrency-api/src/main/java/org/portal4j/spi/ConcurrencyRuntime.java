package org.portal4j.spi;

/**
 * The binding between the API's static entry points and an implementation ({@code
 * concurrency-core}), found once with {@link java.util.ServiceLoader}, the way SLF4J 2 finds its
 * provider: a few factories, and the version of this SPI the runtime was built for, which the API
 * checks when it binds. A runtime built for another version is refused with an {@link
 * IllegalStateException} that names both, instead of failing later with a {@link LinkageError}.
 *
 * <p>Users never call it. The factories' methods back the API methods of the same meaning, which
 * document them; arguments have been checked for null by the API unless noted. This interface and
 * the factories evolve only by adding {@code default} methods, and by raising {@link #API_VERSION}
 * when a runtime must change.
 *
 * @since 0.1
 */
public interface ConcurrencyRuntime {

  /**
   * The version of this SPI: {@code major.minor}. A runtime is compatible with the API when it was
   * built for the same major and minor version.
   */
  String API_VERSION = "0.1";

  /**
   * The SPI version the runtime was built for: return {@link #API_VERSION} (the compiler copies the
   * value of the API the runtime was compiled against).
   *
   * @return the version, such as {@code "0.1"}
   */
  String apiVersion();

  /**
   * Makes calls and answers for the current one.
   *
   * @return the factory
   */
  CallFactory calls();

  /**
   * Makes portals with the chosen backends, and keeps the global loop.
   *
   * @return the factory
   */
  PortalFactory portals();

  /**
   * Makes and finds waiters.
   *
   * @return the factory
   */
  WaiterFactory waiters();

  /**
   * Places calls on portals for the callers of {@code FromSync} and {@code FromAsync}.
   *
   * @return the router
   */
  CallRouter router();

  /**
   * What the runtime does for the portals of {@link org.portal4j.spi.support}.
   *
   * @return the support
   */
  PortalSupport portalSupport();

  /**
   * What the runtime can tell about its calls in flight, and its stuck-call watchdog.
   *
   * @return the diagnostics; {@link RuntimeDiagnostics#NONE} by default
   * @since 0.1
   */
  default RuntimeDiagnostics diagnostics() {
    return RuntimeDiagnostics.NONE;
  }
}

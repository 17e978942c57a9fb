package org.portal4j;

import java.util.Map;
import org.portal4j.spi.PortalKind;

/**
 * Makes portals with the backend chosen for each {@link PortalKind}: per kind the available {@link
 * org.portal4j.spi.PortalProvider} with the highest priority, unless the system property {@code
 * portal4j.worker} names another one.
 */
public final class Portals {

  private Portals() {}

  /**
   * A new, not yet started worker portal with {@linkplain PortalOptions#defaults() default
   * options}. It starts on its first submit.
   *
   * @return the worker
   * @throws IllegalStateException if no runtime is on the class path, or the configured backend is
   *     unknown
   */
  public static WorkerPortal newWorkerThread() {
    return newWorkerThread(PortalOptions.defaults());
  }

  /**
   * A new, not yet started worker portal.
   *
   * @param options how to make it
   * @return the worker
   * @throws NullPointerException if {@code options} is null
   * @throws IllegalStateException if no runtime is on the class path, or the configured backend is
   *     unknown
   */
  public static WorkerPortal newWorkerThread(PortalOptions options) {
    if (options == null) {
      throw new NullPointerException("options");
    }
    return RuntimeBinding.runtime().newWorkerThread(options);
  }

  /**
   * The name of the provider chosen for each kind, such as {@code {WORKER=platform}}.
   *
   * @return an unmodifiable map from kind to provider name
   * @throws IllegalStateException if the provider configured for a kind is unknown
   */
  public static Map<PortalKind, String> backends() {
    return RuntimeBinding.runtime().backends();
  }
}

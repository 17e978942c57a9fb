package org.portal4j.spi;

import java.util.Optional;
import java.util.Set;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;

/**
 * A backend that makes portals, found with {@link java.util.ServiceLoader}. Register an
 * implementation with {@code @AutoService(PortalProvider.class)} (and {@code provides} in a {@code
 * module-info.java}); it needs a public no-argument constructor.
 *
 * <p>Per {@link PortalKind}, the {@linkplain #isAvailable() available} provider with the highest
 * {@linkplain #priority() priority} is used, unless the system property {@code portal4j.worker}
 * names another ({@code portal4j.loop} for loops). A provider that fails to load or construct is
 * logged and skipped; an exception from {@link #newWorker} or {@link #newLoop} reaches the caller.
 *
 * @since 0.1
 */
public interface PortalProvider {

  /**
   * The name users select this provider by, such as {@code "platform"}.
   *
   * @return a short, unique name
   */
  String name();

  /**
   * Higher wins among the available providers of a kind; the built-in {@code platform} provider has
   * 0.
   *
   * @return the priority
   */
  int priority();

  /**
   * The kinds this provider makes.
   *
   * @return a non-empty set
   */
  Set<PortalKind> kinds();

  /**
   * Whether the provider can work in this JVM (for example, the Java version is high enough).
   * Called once, at selection.
   *
   * @return true by default
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * A new, not yet started worker portal. Called only if {@link #kinds()} contains {@link
   * PortalKind#WORKER}; a provider of loops only need not override it.
   *
   * @param options how to make it
   * @return the worker
   * @throws UnsupportedOperationException by default: this provider makes no workers
   */
  default WorkerPortal newWorker(PortalOptions options) {
    throw new UnsupportedOperationException("Provider " + name() + " makes no WORKER portals");
  }

  /**
   * A new, not yet started event loop. Called only if {@link #kinds()} contains {@link
   * PortalKind#LOOP}; a provider of workers only need not override it.
   *
   * @param options how to make it
   * @return the loop
   * @throws UnsupportedOperationException by default: this provider makes no loops
   */
  default LoopPortal newLoop(PortalOptions options) {
    throw new UnsupportedOperationException("Provider " + name() + " makes no LOOP portals");
  }

  /**
   * The loop portal of this provider whose thread the current thread is, for threads that no portal
   * has bound while running its tasks (such as a Netty event loop thread running channel work).
   * Asked only of the chosen LOOP provider, by {@link org.portal4j.Portals#currentLoop()}; it must
   * answer from what exists and never create or start a portal.
   *
   * @return the loop, empty by default
   */
  default Optional<LoopPortal> currentLoop() {
    return Optional.empty();
  }
}

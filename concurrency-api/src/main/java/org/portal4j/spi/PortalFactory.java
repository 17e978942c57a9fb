package org.portal4j.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;

/**
 * Makes portals with the backend chosen per {@link PortalKind}, and keeps the global loop: backs
 * {@link org.portal4j.Portals}. Part of {@link ConcurrencyRuntime}.
 *
 * @since 0.1
 */
public interface PortalFactory {

  /**
   * Backs {@link org.portal4j.Portals#newWorkerThread(PortalOptions)}.
   *
   * @param options how to make it
   * @return a new worker
   */
  WorkerPortal newWorker(PortalOptions options);

  /**
   * Backs {@link org.portal4j.Portals#newEventLoopThread(PortalOptions)}.
   *
   * @param options how to make it
   * @return a new loop
   */
  LoopPortal newLoop(PortalOptions options);

  /**
   * Backs {@link org.portal4j.Portals#newThreadPerCall()}.
   *
   * @return the portal that runs each call on a new run-once worker
   */
  Portal newThreadPerCall();

  /**
   * Backs {@link org.portal4j.Portals#globalLoop()}.
   *
   * @return the running global loop
   */
  LoopPortal globalLoop();

  /**
   * Backs {@link org.portal4j.Portals#inGlobalLoop()}.
   *
   * @return whether this is the global loop's thread
   */
  boolean inGlobalLoop();

  /**
   * Backs {@link org.portal4j.Portals#waitForGlobalLoopExit(Duration)}.
   *
   * @param timeout how long to wait at most
   */
  void waitForGlobalLoopExit(Duration timeout);

  /**
   * Backs {@link org.portal4j.Portals#currentLoop()}.
   *
   * @return the loop of this thread
   */
  Optional<LoopPortal> currentLoop();

  /**
   * Backs {@link org.portal4j.Portals#backends()}.
   *
   * @return the provider's name per kind
   */
  Map<PortalKind, String> backends();
}

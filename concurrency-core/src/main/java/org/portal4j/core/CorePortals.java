package org.portal4j.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalFactory;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's {@link PortalFactory}: portals from the backend chosen per kind ({@link Backends}), the
 * global loop (lock-free, renewed after a shutdown), and the current loop.
 */
final class CorePortals implements PortalFactory {

  /** The global loop's name, which is also its thread's name. */
  static final String GLOBAL_LOOP_NAME = "GlobalEventLoopThread";

  private static final Logger log = LoggerFactory.getLogger(CorePortals.class);
  private static final PortalOptions GLOBAL_LOOP =
      PortalOptions.builder().name(GLOBAL_LOOP_NAME).daemon(true).build();

  private final Backends backends;
  private final LivePortals live;
  private final AtomicReference<LoopPortal> global;
  private final ThreadPerCallPortal threadPerCall = new ThreadPerCallPortal(this::newWorker, false);
  private final ThreadPerCallPortal waitedThreadPerCall =
      new ThreadPerCallPortal(this::newWorker, true);

  CorePortals(Backends backends, LivePortals live, AtomicReference<LoopPortal> global) {
    this.backends = backends;
    this.live = live;
    this.global = global;
  }

  @Override
  public WorkerPortal newWorker(PortalOptions options) {
    PortalProvider provider = backends.provider(PortalKind.WORKER);
    return made(provider, provider.newWorker(options), "newWorker");
  }

  @Override
  public LoopPortal newLoop(PortalOptions options) {
    PortalProvider provider = backends.provider(PortalKind.LOOP);
    return made(provider, provider.newLoop(options), "newLoop");
  }

  private static <P> P made(PortalProvider provider, P portal, String method) {
    if (portal == null) {
      throw new IllegalStateException(
          "The portal4j backend "
              + Backends.describe(provider)
              + " returned null from "
              + method
              + "(): a provider must make a portal or throw");
    }
    return portal;
  }

  @Override
  public Portal newThreadPerCall() {
    return threadPerCall;
  }

  /**
   * The portal to use for {@code portal} when a caller waits for the call: for the thread-per-call
   * portal, its daemon twin (the waiting caller keeps the JVM alive); any other as it is.
   */
  Portal forWaitedCall(Portal portal) {
    return portal == threadPerCall ? waitedThreadPerCall : portal;
  }

  @Override
  public LoopPortal globalLoop() {
    // Lock-free: a loser of the race shuts its unstarted loop down, and start() waits for
    // readiness without holding anything a caller could hold.
    while (true) {
      LoopPortal loop = global.get();
      if (loop == null || loop.isShutdown()) {
        LoopPortal fresh = newLoop(GLOBAL_LOOP);
        if (!global.compareAndSet(loop, fresh)) {
          fresh.shutdown(); // never started, but it may hold resources (a Netty selector)
          continue;
        }
        loop = fresh;
      }
      try {
        live.ensureHook(); // the exit sequence shuts the global loop down, whoever made it
        loop.start();
        return loop;
      } catch (RejectedExecutionException e) {
        // shut down by another thread since we looked: the next turn makes a new one
      }
    }
  }

  @Override
  public boolean inGlobalLoop() {
    LoopPortal loop = global.get();
    return loop != null && loop.inLoop();
  }

  @Override
  public void waitForGlobalLoopExit(Duration timeout) {
    LoopPortal loop = global.get();
    if (loop == null) {
      return;
    }
    if (loop.inLoop()) {
      throw new IllegalStateException(
          "Cannot wait for the global loop to exit from its own thread: it would wait for itself");
    }
    loop.shutdown();
    try {
      if (!loop.awaitTermination(timeout)) {
        log.warn("The global loop did not exit within {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException("Interrupted while waiting for the global loop to exit", e);
    }
  }

  @Override
  public Optional<LoopPortal> currentLoop() {
    Optional<LoopPortal> bound = CurrentLoop.get();
    if (bound.isPresent()) {
      return bound;
    }
    Optional<LoopPortal> found = backends.provider(PortalKind.LOOP).currentLoop();
    return found == null ? Optional.empty() : found;
  }

  /** The loop of the calling thread, else the global loop: where async waiters run. */
  LoopPortal loopOfCaller() {
    return currentLoop().orElseGet(this::globalLoop);
  }

  @Override
  public Map<PortalKind, String> backends() {
    return backends.names();
  }
}

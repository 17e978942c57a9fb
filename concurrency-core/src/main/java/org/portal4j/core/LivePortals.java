package org.portal4j.core;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.portal4j.CallCancelledException;
import org.portal4j.LoopPortal;
import org.portal4j.spi.PortalHandle;
import org.portal4j.spi.PortalSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portals that have started and not yet terminated, and what happens to them when the JVM
 * exits. One shutdown hook, {@value #HOOK_NAME}, runs the exit sequence:
 *
 * <ol>
 *   <li>A portal whose thread called {@code System.exit} can never run anything again (that thread
 *       waits for this hook): what it holds is cancelled at once, with a WARN that says so.
 *   <li>The global loop shuts down and is given up to the exit timeout ({@value
 *       #EXIT_TIMEOUT_PROPERTY}, default 10 s) to terminate: its queued calls and shutdown calls
 *       run, so queue services drain.
 *   <li>Whatever any live portal still holds (queued, running, shutdown and in-flight calls) is
 *       cancelled, with one WARN per portal that says how many.
 * </ol>
 *
 * Nothing is dropped silently: every call the library took ends, and is counted in a WARN if it
 * ends this way.
 */
final class LivePortals {

  static final String HOOK_NAME = "portal4j-exit";

  /** System property: how long the exit sequence waits for the global loop, ms or ISO-8601. */
  static final String EXIT_TIMEOUT_PROPERTY = "portal4j.exitTimeout";

  /** Read when {@link #EXIT_TIMEOUT_PROPERTY} is not set; the queue services' older name. */
  static final String SERVICES_EXIT_TIMEOUT_PROPERTY = "portal4j.services.exitTimeout";

  static final Duration DEFAULT_EXIT_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(LivePortals.class);

  private final Set<PortalHandle> live = ConcurrentHashMap.newKeySet();
  private final Supplier<Optional<LoopPortal>> globalLoop;
  private final AtomicBoolean hooked = new AtomicBoolean();

  /**
   * @param globalLoop the global loop if there is one; never creates it
   * @param exitHook whether to install the JVM exit hook (the runtime's instance does; tests' not)
   */
  LivePortals(Supplier<Optional<LoopPortal>> globalLoop, boolean exitHook) {
    this.globalLoop = globalLoop;
    this.hooked.set(!exitHook);
  }

  PortalSupport.Registration register(PortalHandle portal) {
    ensureHook();
    live.add(portal);
    return () -> live.remove(portal);
  }

  /** Installs the exit hook if it is not in place yet. */
  void ensureHook() {
    if (!hooked.get() && hooked.compareAndSet(false, true)) {
      addHook();
    }
  }

  List<PortalHandle> snapshot() {
    return List.copyOf(live);
  }

  private void addHook() {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(this::atExit, HOOK_NAME));
    } catch (IllegalStateException e) {
      // The JVM is exiting already: a portal started now is ended by no one but its user.
    }
  }

  /** The exit sequence, run by the hook (and by tests, without exiting). */
  void atExit() {
    try {
      endPortalsStuckInExit();
      awaitGlobalLoop(exitTimeout());
      for (PortalHandle portal : snapshot()) {
        int cancelled =
            portal.abandon(new CallCancelledException("The JVM exited with the call unfinished"));
        if (cancelled > 0) {
          log.warn(
              "{}: cancelled {} call(s) still queued or running at JVM exit",
              portal.portal().name(),
              cancelled);
        }
      }
    } catch (RuntimeException | Error e) {
      log.error("The portal4j exit sequence failed", e);
    }
  }

  /**
   * Portals whose thread is blocked in System.exit: they wait for us, so we cannot wait for them.
   */
  private void endPortalsStuckInExit() {
    for (PortalHandle portal : snapshot()) {
      Optional<Thread> thread = portal.thread();
      if (thread.isPresent() && isExiting(thread.get())) {
        int cancelled =
            portal.abandon(
                new CallCancelledException(
                    "System.exit was called on "
                        + thread.get().getName()
                        + " while the call was waiting there"));
        live.remove(portal);
        log.warn(
            "System.exit was called on {}, the thread of {}: it cannot drain any more; cancelled"
                + " {} call(s) it still held (queued, running and shutdown calls)",
            thread.get().getName(),
            portal.portal().name(),
            cancelled);
      }
    }
  }

  private void awaitGlobalLoop(Duration timeout) {
    Optional<LoopPortal> found = globalLoop.get();
    if (found.isEmpty()) {
      return;
    }
    LoopPortal loop = found.get();
    if (live.stream().noneMatch(p -> p.portal() == loop) && loop.isShutdown()) {
      return; // terminated, or given up on above
    }
    try {
      loop.shutdown();
      if (!loop.awaitTermination(timeout)) {
        log.warn("The global loop did not finish its shutdown within {} of the JVM exit", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException("Interrupted while the global loop shut down at exit", e);
    }
  }

  /** Whether {@code thread} is inside {@code System.exit}, waiting for the shutdown hooks. */
  static boolean isExiting(Thread thread) {
    for (StackTraceElement frame : thread.getStackTrace()) {
      if ("java.lang.Shutdown".equals(frame.getClassName())) {
        return true;
      }
    }
    return false;
  }

  static Duration exitTimeout() {
    String property = EXIT_TIMEOUT_PROPERTY;
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      property = SERVICES_EXIT_TIMEOUT_PROPERTY;
      value = System.getProperty(property);
    }
    if (value == null || value.isBlank()) {
      return DEFAULT_EXIT_TIMEOUT;
    }
    String text = value.trim();
    try {
      Duration parsed =
          text.toUpperCase(Locale.ROOT).startsWith("P")
              ? Duration.parse(text)
              : Duration.ofMillis(Long.parseLong(text));
      if (!parsed.isNegative()) {
        return parsed;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    log.warn(
        "Ignoring -D{}={}: expected milliseconds or an ISO-8601 duration such as PT10S; using {}",
        property,
        value,
        DEFAULT_EXIT_TIMEOUT);
    return DEFAULT_EXIT_TIMEOUT;
  }
}

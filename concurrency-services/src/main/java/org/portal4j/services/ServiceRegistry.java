package org.portal4j.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every queue service of the JVM: the running instance per (class, key), the set of services not
 * yet stopped, and what drains them when the loop goes away: one shutdown call per global loop (the
 * runtime's JVM exit hook shuts the global loop down, so it runs at exit too).
 *
 * <p>That shutdown call reaches services only through this class's static sets, never through a
 * reference of its own, so a stopped service (removed from both sets) is garbage.
 */
final class ServiceRegistry {

  private static final Logger log = LoggerFactory.getLogger(AbstractQueueService.class);
  private static final int ATTACH_ATTEMPTS = 3;

  /** What {@code instance(type, key, ...)} looks up; {@code key} may be null. */
  record Registration(Class<?> type, @Nullable Object key) {}

  private static final ConcurrentHashMap<Registration, AbstractQueueService> INSTANCES =
      new ConcurrentHashMap<>();
  private static final Set<AbstractQueueService> LIVE = ConcurrentHashMap.newKeySet();

  /**
   * The last loop known to have our drain among its shutdown calls. Written only after the drain
   * was added, so a thread that reads it knows the drain is there. Racing threads may each add a
   * drain to a new loop; the extra ones find nothing left to drain.
   */
  private static volatile @Nullable LoopPortal hookedLoop;

  private ServiceRegistry() {}

  // ---------------------------------------------------------------- instances

  static <S extends AbstractQueueService> S instance(
      Class<S> type, @Nullable Object key, Supplier<? extends S> factory) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(factory, "factory");
    Registration registration = new Registration(type, key);
    while (true) {
      AbstractQueueService current = INSTANCES.get(registration);
      if (current != null && current.isRunning()) {
        return type.cast(current);
      }
      S fresh = factory.get();
      if (fresh == null) {
        throw new NullPointerException("The factory for " + type.getName() + " returned null");
      }
      if (!type.isInstance(fresh)) {
        throw new IllegalArgumentException(
            "The factory for " + type.getName() + " returned a " + fresh.getClass().getName());
      }
      // Opened (accepting, config checked) before it is published, so whoever finds it in the
      // map may send at once; its items wait until the start below has run onStart.
      fresh.open(registration);
      boolean won =
          current == null
              ? INSTANCES.putIfAbsent(registration, fresh) == null
              : INSTANCES.replace(registration, current, fresh);
      if (won) {
        fresh.start();
        return fresh;
      }
      fresh.discardUnpublished(); // another thread's instance won; ours was never seen
    }
  }

  /**
   * Binds a starting service to the current global loop, with that loop's shutdown call and the JVM
   * exit hook in place, and counts it as live. Retries when the loop it got began shutting down
   * meanwhile ({@link Portals#globalLoop()} then makes a new one).
   */
  static LoopPortal attach(AbstractQueueService service) {
    RejectedExecutionException last = null;
    for (int attempt = 0; attempt < ATTACH_ATTEMPTS; attempt++) {
      LoopPortal loop = Portals.globalLoop();
      if (hookedLoop != loop) {
        Call<Void> drain =
            Call.ofAsync("drain queue services on " + loop.name(), () -> drainOn(loop));
        drain.addDoneCallback(done -> drainEnded(done, loop));
        try {
          loop.addShutdownCall(drain);
        } catch (RejectedExecutionException e) {
          last = e; // shutting down since we got it: the next turn gets a new one
          continue;
        }
        hookedLoop = loop;
      }
      service.bindLoop(loop); // before it is live, so the loop's shutdown call can find it
      LIVE.add(service);
      return loop;
    }
    throw new IllegalStateException(
        "Cannot start " + service + ": the global loop kept shutting down", last);
  }

  /** Called once a service has stopped: nothing here refers to it any more. */
  static void forget(AbstractQueueService service) {
    LIVE.remove(service);
    Registration registration = service.registration();
    if (registration != null) {
      INSTANCES.remove(registration, service);
    }
  }

  static List<AbstractQueueService> live(Class<?> type) {
    List<AbstractQueueService> found = new ArrayList<>();
    for (AbstractQueueService service : LIVE) {
      if (type.isInstance(service)) {
        found.add(service);
      }
    }
    return found;
  }

  // ---------------------------------------------------------------- draining

  /**
   * Starts draining {@code services} and waits, at most {@code timeout}, for all of them to stop.
   *
   * @return true if all stopped in time
   */
  static boolean drainAll(List<AbstractQueueService> services, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    AbstractQueueService.checkMayBlockHere("drainAll");
    CompletableFuture<?>[] stops = new CompletableFuture<?>[services.size()];
    for (int i = 0; i < stops.length; i++) {
      stops[i] = services.get(i).stop();
    }
    boolean done = AbstractQueueService.await(CompletableFuture.allOf(stops), timeout, "drainAll");
    if (!done) {
      for (AbstractQueueService service : services) {
        if (!service.isStopped()) {
          log.warn(
              "{} did not finish draining within {}: {} item(s) not handled yet",
              service,
              timeout,
              service.pendingCount());
        }
      }
    }
    return done;
  }

  /**
   * The loop's drain ended. Cancelled (its grace ran out, or the JVM exited with the loop unable to
   * run it), it drained nothing more: the services still on that loop abandon what is left.
   */
  private static void drainEnded(Call<Void> drain, LoopPortal loop) {
    if (!drain.isCancelled()) {
      return;
    }
    Throwable cause = drain.toCompletableFuture().handle((value, error) -> error).join();
    for (AbstractQueueService service : LIVE) {
      if (service.loop() == loop) {
        service.loopGone(cause);
      }
    }
  }

  /** The loop's shutdown call: drains every live service bound to that loop, on the loop. */
  private static CompletionStage<Void> drainOn(LoopPortal loop) {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (AbstractQueueService service : LIVE) {
      if (service.loop() == loop) {
        stops.add(service.stop());
      }
    }
    return CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0]));
  }
}

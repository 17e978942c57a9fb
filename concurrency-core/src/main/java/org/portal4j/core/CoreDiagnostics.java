package org.portal4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.InFlightCall;
import org.portal4j.spi.PortalHandle;
import org.portal4j.spi.RuntimeDiagnostics;
import org.portal4j.spi.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's {@link RuntimeDiagnostics}: finds the calls in flight on demand, from the live portals
 * (their queues, running calls and async calls in flight) and from the threads running calls
 * anywhere ({@link RunningCalls}), and owns the stuck-call {@link Watchdog}. Nothing here runs on a
 * call's path: it all happens when someone asks.
 */
final class CoreDiagnostics implements RuntimeDiagnostics {

  private static final Logger log = LoggerFactory.getLogger(CoreDiagnostics.class);

  private final LivePortals live;
  private final WaiterRegistry waiters;
  private final Watchdog watchdog;

  CoreDiagnostics(LivePortals live, WaiterRegistry waiters) {
    this.live = live;
    this.waiters = waiters;
    this.watchdog = new Watchdog(this);
  }

  @Override
  public List<InFlightCall> inFlight() {
    long now = System.nanoTime();
    Map<Thread, List<StackTraceElement>> stacks = new HashMap<>();
    // By portal name, calls run directly last: the same order from one dump to the next.
    Map<String, List<InFlightCall>> byPortal =
        new TreeMap<>(Comparator.nullsLast(Comparator.<String>naturalOrder()));
    for (CapturedCall<?> call : calls()) {
      InFlightCall described = describe(call, now, stacks);
      if (described != null) {
        byPortal.computeIfAbsent(described.portal(), p -> new ArrayList<>()).add(described);
      }
    }
    List<InFlightCall> snapshot = new ArrayList<>();
    for (List<InFlightCall> group : byPortal.values()) {
      group.sort((a, b) -> Integer.compare(rank(a.state()), rank(b.state()))); // stable
      snapshot.addAll(group);
    }
    return List.copyOf(snapshot);
  }

  /** Running calls first, then those awaiting their stage, then the queue in its order. */
  private static int rank(InFlightCall.State state) {
    switch (state) {
      case RUNNING:
        return 0;
      case AWAITING_STAGE:
        return 1;
      default:
        return 2;
    }
  }

  /**
   * The calls in flight, without stacks: per live portal what it holds, then the calls running on
   * any thread (each thread's innermost call and those it runs within). Each call once.
   */
  List<CapturedCall<?>> calls() {
    Set<Call<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<CapturedCall<?>> calls = new ArrayList<>();
    for (PortalHandle portal : live.snapshot()) {
      List<Call<?>> held;
      try {
        held = portal.calls();
      } catch (Throwable t) { // a custom portal's handle
        log.debug("The handle of {} failed to list its calls", portal, t);
        continue;
      }
      for (Call<?> call : held) {
        if (call instanceof CapturedCall && !call.isDone() && seen.add(call)) {
          calls.add((CapturedCall<?>) call);
        }
      }
    }
    addRunning(calls, seen);
    return calls;
  }

  /**
   * The calls whose function runs on a thread now: each thread's innermost call and those it runs
   * within. Cheap: one read per thread that runs calls, no queue walked.
   */
  List<CapturedCall<?>> running() {
    List<CapturedCall<?>> calls = new ArrayList<>();
    addRunning(calls, Collections.newSetFromMap(new IdentityHashMap<>()));
    return calls;
  }

  private static void addRunning(List<CapturedCall<?>> calls, Set<Call<?>> seen) {
    for (RunningCalls.Running running : RunningCalls.snapshot()) {
      for (CapturedCall<?> c = running.call; c != null && seen.add(c); c = c.outerOnThread()) {
        if (!c.isDone()) {
          calls.add(c);
        }
      }
    }
  }

  /** The call as it is now, or null if it ended meanwhile. */
  private @Nullable InFlightCall describe(
      CapturedCall<?> call, long now, Map<Thread, List<StackTraceElement>> stacks) {
    Thread thread = call.bodyThread();
    InFlightCall.State state;
    if (call.isPending()) {
      state = InFlightCall.State.QUEUED;
      thread = null;
    } else if (call.isDone()) {
      return null;
    } else {
      state = thread != null ? InFlightCall.State.RUNNING : InFlightCall.State.AWAITING_STAGE;
    }
    long since = call.since(); // submitted while queued, started once running
    Duration age = since == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - since));
    @Nullable Duration remaining = null;
    Optional<Duration> timeout = call.timeout();
    if (state != InFlightCall.State.QUEUED
        && timeout.isPresent()
        && !Deadline.isForever(timeout.get())
        && since != 0) {
      remaining = Duration.ofNanos(Deadline.nanosOf(timeout.get()) - (now - since));
    }
    List<StackTraceElement> stack =
        thread == null ? List.of() : stacks.computeIfAbsent(thread, CoreDiagnostics::stackOf);
    return new InFlightCall(
        call,
        call.name(),
        call.portalName(),
        state,
        age,
        remaining,
        waiters.of(call).orElse(null),
        thread,
        stack,
        WaitGraph.waitingFor(call));
  }

  static List<StackTraceElement> stackOf(Thread thread) {
    return List.of(thread.getStackTrace());
  }

  WaiterRegistry waiters() {
    return waiters;
  }

  @Override
  public void watchdog(Duration threshold) {
    watchdog.set(threshold);
  }

  @Override
  public Optional<Duration> watchdog() {
    return watchdog.threshold();
  }

  /** Turns the watchdog on if {@value Watchdog#PROPERTY} says so; a bad value is a WARN. */
  void watchdogFromProperty() {
    Watchdog.fromProperty().ifPresent(watchdog::set);
  }
}

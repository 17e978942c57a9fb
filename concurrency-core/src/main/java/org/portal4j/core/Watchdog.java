package org.portal4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.portal4j.AsyncWaiter;
import org.portal4j.Diagnostics;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.core.events.StuckCallEvent;
import org.portal4j.spi.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stuck-call watchdog: while on, one daemon thread, {@value #THREAD_NAME}, looks at the calls
 * running on threads a few times per threshold and logs one WARN (logger {@value #LOGGER}) for each
 * call whose function has been running longer than the threshold, with its thread's stack and who
 * waits for it; again when it reaches 10 and 100 times the threshold, never more. It also commits
 * the JFR event {@code org.portal4j.StuckCall}.
 *
 * <p>An async call whose function has returned and whose stage is pending runs on no thread and is
 * not reported: waiting for a reply is its job. A scan reads one slot per thread that runs calls
 * and walks no queue, so it costs the same however many calls are queued.
 *
 * <p>The thread holds no lock while it scans or logs, survives anything a scan throws, and exits
 * when the watchdog is turned off. The lock only orders turning the watchdog on and off against the
 * thread's decision to exit, so that exactly one thread runs while it is on.
 */
final class Watchdog {

  static final String THREAD_NAME = "portal4j-watchdog";
  static final String LOGGER = "org.portal4j.watchdog";
  static final String PROPERTY = Diagnostics.WATCHDOG_PROPERTY;

  /** The multiples of the threshold at which a call still running is reported again. */
  private static final long[] LEVELS = {1, 10, 100};

  private static final Duration MIN_PERIOD = Duration.ofMillis(5);
  private static final Duration MAX_PERIOD = Duration.ofSeconds(1);
  private static final Pattern WITH_UNIT =
      Pattern.compile("(\\d{1,18})\\s*(ns|us|ms|s|m|min|h|d)?", Pattern.CASE_INSENSITIVE);

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private final CoreDiagnostics diagnostics;
  private final ReentrantLock lock = new ReentrantLock();

  /** Null when off. Written under lock. */
  private volatile @Nullable Duration threshold;

  /** The watchdog's thread while it runs; guarded by lock. */
  private @Nullable Thread thread;

  Watchdog(CoreDiagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  Optional<Duration> threshold() {
    return Optional.ofNullable(threshold);
  }

  /** On with {@code value}, or off for null, zero, negative and too large to count. */
  void set(@Nullable Duration value) {
    @Nullable Duration next =
        value == null || value.isZero() || value.isNegative() || Deadline.isForever(value)
            ? null
            : value;
    @Nullable Thread wake;
    lock.lock();
    try {
      boolean wasOn = threshold != null;
      threshold = next;
      wake = thread;
      if (next != null && thread == null) {
        Thread t = new Thread(this::watch, THREAD_NAME);
        t.setDaemon(true);
        thread = t;
        try {
          t.start();
        } catch (Throwable e) { // cannot start a thread: leave the watchdog off, and say so
          thread = null;
          threshold = null; // it was off: a thread runs while it is on, so nothing to count
          throw e;
        }
        wake = null;
      }
      if (wasOn != (next != null)) {
        CoarseClock.watchdog(next != null); // ages to the nanosecond while it watches
      }
    } finally {
      lock.unlock();
    }
    if (wake != null) {
      LockSupport.unpark(wake); // a new threshold, or off: look again now
    }
  }

  /** The watchdog thread's body. Interrupts of this thread (ours) are read as wake-ups. */
  private void watch() {
    Map<CapturedCall<?>, Integer> reported = new IdentityHashMap<>();
    while (true) {
      Duration current;
      lock.lock();
      try {
        current = threshold;
        if (current == null) {
          thread = null;
          return;
        }
      } finally {
        lock.unlock();
      }
      try {
        scan(Deadline.nanosOf(current), current, reported);
      } catch (Throwable t) {
        try {
          log.error("The portal4j watchdog failed to look at the calls; it goes on", t);
        } catch (Throwable ignored) {
          // logging itself failed: nothing left to tell anyone
        }
      }
      LockSupport.parkNanos(this, period(current));
      Thread.interrupted();
    }
  }

  /** A few looks per threshold, within [5 ms, 1 s]. */
  static long period(Duration threshold) {
    long quarter = Deadline.nanosOf(threshold) / 4;
    return Math.max(MIN_PERIOD.toNanos(), Math.min(MAX_PERIOD.toNanos(), quarter));
  }

  /** One look: reports each call that reached a new level; forgets calls no longer running. */
  void scan(long limit, Duration threshold, Map<CapturedCall<?>, Integer> reported) {
    long now = System.nanoTime();
    Set<CapturedCall<?>> running = Collections.newSetFromMap(new IdentityHashMap<>());
    for (CapturedCall<?> call : diagnostics.running()) {
      if (call.isPending() || call.isDone()) {
        continue;
      }
      running.add(call);
      long age = now - call.since();
      int level = 0;
      while (level < LEVELS.length && age >= saturatedTimes(limit, LEVELS[level])) {
        level++;
      }
      if (level > reported.getOrDefault(call, 0)) {
        reported.put(call, level);
        report(call, age, threshold, LEVELS[level - 1]);
      }
    }
    reported.keySet().retainAll(running);
  }

  private static long saturatedTimes(long nanos, long times) {
    return nanos > Long.MAX_VALUE / times ? Long.MAX_VALUE : nanos * times;
  }

  private void report(CapturedCall<?> call, long ageNanos, Duration threshold, long times) {
    Thread thread = call.bodyThread();
    List<StackTraceElement> stack = thread == null ? List.of() : CoreDiagnostics.stackOf(thread);
    String waiting = waitingChain(call);
    String where =
        thread == null ? "awaiting the stage of its async function" : "on " + thread.getName();
    String portal = call.portalName();
    if (StuckCallEvent.enabled()) { // before the WARN: whoever reads the WARN finds the event
      StuckCallEvent event = new StuckCallEvent();
      event.call = call.name();
      event.portal = portal;
      event.runningFor = ageNanos;
      event.threshold = Deadline.nanosOf(threshold);
      event.runningOn = thread;
      event.stack = render(stack);
      event.waiting = waiting;
      event.commit();
    }
    String message = "Call {} has been running for {} {}{}, {} the watchdog threshold of {}{}";
    List<Object> values =
        new ArrayList<>(
            List.of(
                call.name(),
                CapturedCall.readable(Duration.ofMillis(ageNanos / 1_000_000)),
                where,
                portal == null ? "" : " (portal " + portal + ")",
                times == 1 ? "past" : times + " times",
                CapturedCall.readable(threshold),
                waiting.isEmpty() ? "; nobody waits for it" : "; waiting for it:\n" + waiting));
    if (thread != null) { // the stack, as the event's throwable
      Throwable trace = new Throwable("stack of " + thread.getName());
      trace.setStackTrace(stack.toArray(new StackTraceElement[0]));
      values.add(trace);
    }
    log.warn(message, values.toArray());
  }

  private static String render(List<StackTraceElement> stack) {
    StringBuilder out = new StringBuilder();
    for (StackTraceElement frame : stack) {
      out.append("at ").append(frame).append('\n');
    }
    return out.toString();
  }

  /**
   * Who waits for {@code call}, one line each, indented by depth: the threads blocked on it and the
   * owner of its waiter; for each such thread, the call it runs and who waits for that.
   */
  private String waitingChain(CapturedCall<?> call) {
    List<String> lines = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(call);
    addWaiting(call, 1, lines, seen);
    return String.join("\n", lines);
  }

  private void addWaiting(CapturedCall<?> call, int depth, List<String> lines, Set<Object> seen) {
    if (depth > 8) {
      return;
    }
    List<Thread> threads = new ArrayList<>(WaitGraph.waitingFor(call));
    Optional<Waiter<?>> waiter = diagnostics.waiters().of(call);
    if (waiter.isPresent() && !threads.contains(waiter.get().owner())) {
      threads.add(waiter.get().owner());
    }
    String indent = "  ".repeat(depth);
    for (Thread t : threads) {
      if (!seen.add(t)) {
        lines.add(indent + t.getName() + " (seen above: a cycle)");
        continue;
      }
      CapturedCall<?> running = RunningCalls.currentOf(t);
      String how =
          waiter.isPresent() && waiter.get().owner() == t
              ? " (in its " + waiterKind(waiter.get()) + ")"
              : "";
      if (running == null || !seen.add(running)) {
        lines.add(indent + t.getName() + how);
      } else {
        lines.add(indent + t.getName() + how + ", running call " + running.name() + ", for which:");
        int before = lines.size();
        addWaiting(running, depth + 1, lines, seen);
        if (lines.size() == before) {
          lines.set(before - 1, indent + t.getName() + how + ", running call " + running.name());
        }
      }
    }
  }

  private static String waiterKind(Waiter<?> waiter) {
    if (waiter instanceof SyncWaiter) {
      return "SyncWaiter";
    }
    return waiter instanceof AsyncWaiter ? "AsyncWaiter" : "Waiter";
  }

  /**
   * The threshold {@value #PROPERTY} asks for: empty when it is unset, blank, {@code 0} or {@code
   * off}, and, with one WARN, when it is not a duration.
   */
  static Optional<Duration> fromProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      log.warn(
          "Ignoring -D{}={}: expected a duration such as 500ms, 5s, 2m, 1h or PT5S; the watchdog"
              + " stays off",
          PROPERTY,
          value);
      return Optional.empty();
    }
  }

  /**
   * Parses a threshold: a whole number with a unit ({@code ns}, {@code us}, {@code ms}, {@code s},
   * {@code m} or {@code min}, {@code h}, {@code d}; no unit is milliseconds) or ISO-8601.
   *
   * @return the threshold; empty for off (blank, zero, {@code off})
   * @throws IllegalArgumentException if {@code text} is not a duration, or is negative
   */
  static Optional<Duration> parse(String text) {
    String t = text.trim();
    if (t.isEmpty() || t.equalsIgnoreCase("off") || t.equalsIgnoreCase("false")) {
      return Optional.empty();
    }
    Duration d;
    try {
      if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
        d = Duration.parse(t);
      } else {
        Matcher m = WITH_UNIT.matcher(t);
        if (!m.matches()) {
          throw new IllegalArgumentException("Not a duration: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
        switch (unit) {
          case "ns":
            d = Duration.ofNanos(n);
            break;
          case "us":
            d = Duration.ofNanos(n).multipliedBy(1000);
            break;
          case "ms":
            d = Duration.ofMillis(n);
            break;
          case "s":
            d = Duration.ofSeconds(n);
            break;
          case "m":
          case "min":
            d = Duration.ofMinutes(n);
            break;
          case "h":
            d = Duration.ofHours(n);
            break;
          default:
            d = Duration.ofDays(n);
        }
      }
    } catch (ArithmeticException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("Not a duration: " + text, e);
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("A negative duration: " + text);
    }
    return d.isZero() ? Optional.empty() : Optional.of(d);
  }
}

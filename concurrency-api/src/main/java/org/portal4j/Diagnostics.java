package org.portal4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portal4j.internal.RuntimeBinding;

/**
 * What is going on inside portal4j right now: the calls queued and running on every portal ({@link
 * #inFlight()}), rendered like a thread dump ({@link #dump()}), and a watchdog that warns about
 * calls that run too long ({@link #watchdog(Duration)}).
 *
 * <p>Asking costs what it shows (the stack of each thread running a call); not asking costs next to
 * nothing: a call notes when it was submitted and when it started, and publishes itself in a slot
 * of the thread running it, and nothing else happens on its way (docs/diagnostics.md has the
 * measured cost). The watchdog is off unless turned on, here or with the system property {@value
 * #WATCHDOG_PROPERTY} (such as {@code -Dportal4j.watchdog=5s}).
 *
 * <p>All methods are thread-safe and may be called from any thread, a portal's own included.
 *
 * @since 0.1
 */
public final class Diagnostics {

  /**
   * The system property that turns the watchdog on at start-up with a threshold: {@code 500ms},
   * {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}). A value that is not a positive
   * duration is reported with one WARN and leaves the watchdog off.
   *
   * @since 0.1
   */
  public static final String WATCHDOG_PROPERTY = "portal4j.watchdog";

  /** Frames shown per thread in a dump; a thread dump's stacks are rarely useful deeper. */
  private static final int MAX_FRAMES = 64;

  private Diagnostics() {}

  /**
   * The calls that portals hold right now, queued or running, and those running directly ({@link
   * Call#run()}) on any thread, with the stack of each thread running one, virtual threads
   * included. Grouped by portal, in the order of their names, calls run directly last; within a
   * portal, running calls come first, then async calls awaiting their stage, then the queue in its
   * order. A snapshot: calls go on and end while it is made, so it is consistent per call, not
   * across calls.
   *
   * <p>Calls queued on a portal that is not built on {@link org.portal4j.spi.support} (a custom
   * portal implementing {@link Portal} directly) are not seen until they run.
   *
   * @return an immutable list, empty when nothing is in flight
   * @throws IllegalStateException if no portal4j runtime is on the class path
   * @since 0.1
   */
  public static List<InFlightCall> inFlight() {
    return RuntimeBinding.runtime().diagnostics().inFlight();
  }

  /**
   * {@link #inFlight()} as text, like a thread dump: per portal, each call with its state, age,
   * deadline and waiter, and, for a running one, its thread and that thread's stack.
   *
   * @return the dump
   * @throws IllegalStateException if no portal4j runtime is on the class path
   * @since 0.1
   */
  public static String dump() {
    return dump(inFlight());
  }

  /**
   * Renders a snapshot taken by {@link #inFlight()} as {@link #dump()} does.
   *
   * @param calls the snapshot
   * @return the dump
   * @throws NullPointerException if {@code calls} is null
   * @since 0.1
   */
  public static String dump(List<InFlightCall> calls) {
    Map<String, List<InFlightCall>> byPortal = new LinkedHashMap<>();
    for (InFlightCall call : calls) {
      String portal = call.portal() == null ? "(no portal: run directly)" : call.portal();
      byPortal.computeIfAbsent(portal, p -> new ArrayList<>()).add(call);
    }
    StringBuilder out = new StringBuilder();
    out.append("portal4j calls in flight: ")
        .append(calls.size())
        .append(calls.size() == 1 ? " call" : " calls")
        .append(" on ")
        .append(byPortal.size())
        .append(byPortal.size() == 1 ? " portal" : " portals")
        .append('\n');
    for (Map.Entry<String, List<InFlightCall>> portal : byPortal.entrySet()) {
      out.append('\n').append('"').append(portal.getKey()).append("\"\n");
      for (InFlightCall call : portal.getValue()) {
        appendCall(out, call);
      }
    }
    return out.toString();
  }

  private static void appendCall(StringBuilder out, InFlightCall call) {
    out.append("  \"")
        .append(call.name())
        .append("\" ")
        .append(call.state())
        .append(" for ")
        .append(readable(call.age()));
    if (call.remaining() != null) {
      out.append(
          call.remaining().isNegative()
              ? ", " + readable(call.remaining().negated()) + " past its deadline"
              : ", deadline in " + readable(call.remaining()));
    }
    out.append('\n');
    Waiter<?> waiter = call.waiter();
    Thread owner = waiter == null ? null : waiter.owner();
    if (!call.waitingThreads().isEmpty()) {
      out.append("      waited for by:");
      String separator = " ";
      for (Thread waiting : call.waitingThreads()) {
        out.append(separator).append('"').append(waiting.getName()).append('"');
        if (waiter != null && waiting == owner) {
          out.append(" (in its ").append(kindOf(waiter)).append(')');
        }
        separator = ", ";
      }
      out.append('\n');
    }
    if (waiter != null && owner != null && !call.waitingThreads().contains(owner)) {
      out.append("      waiter: ")
          .append(kindOf(waiter))
          .append(" of \"")
          .append(owner.getName())
          .append("\"\n");
    }
    Thread thread = call.thread();
    if (thread != null) {
      out.append("      on \"")
          .append(thread.getName())
          .append("\" #")
          .append(thread.getId())
          .append(isVirtual(thread) ? " virtual" : "")
          .append(thread.isDaemon() ? " daemon" : "")
          .append(' ')
          .append(thread.getState())
          .append('\n');
      List<StackTraceElement> stack = call.stack();
      int shown = Math.min(stack.size(), MAX_FRAMES);
      for (int i = 0; i < shown; i++) {
        out.append("        at ").append(stack.get(i)).append('\n');
      }
      if (stack.size() > shown) {
        out.append("        ... ").append(stack.size() - shown).append(" more\n");
      }
    }
  }

  /** What kind of waiter, by its public interface. */
  static String kindOf(Waiter<?> waiter) {
    if (waiter instanceof SyncWaiter) {
      return "SyncWaiter";
    }
    return waiter instanceof AsyncWaiter ? "AsyncWaiter" : "Waiter";
  }

  /** {@code Thread.isVirtual()} is Java 21; this module is compiled for 17. */
  private static boolean isVirtual(Thread thread) {
    return thread.getClass().getName().endsWith("VirtualThread");
  }

  /** A duration as people read it: {@code 850 ms}, {@code 2.5 s}, {@code 3 min 20 s}. */
  static String readable(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = d.getSeconds();
    return seconds / 60 + " min " + seconds % 60 + " s";
  }

  /**
   * Turns the stuck-call watchdog on with {@code threshold}, or off. While on, one daemon thread
   * ({@code portal4j-watchdog}) looks at the running calls a few times per threshold and logs one
   * WARN (logger {@code org.portal4j.watchdog}) for each call whose function has been running on a
   * thread for longer than {@code threshold} (an async call waiting for its stage is not running on
   * a thread, and is not reported): its name, portal and thread, that thread's stack, and the
   * threads waiting for it, each with the call it runs and who waits for that in turn. A call still
   * running at 10 times and at 100 times the threshold is reported once more at each; never more
   * often. It also emits the JFR event {@code org.portal4j.StuckCall}.
   *
   * <p>The watchdog only reads: it never interrupts or cancels a call, never holds a lock while it
   * logs, and its thread does not keep the JVM alive.
   *
   * @param threshold how long a call may run before it is reported; null, zero or negative turns
   *     the watchdog off, and one too large to count in nanoseconds (about 292 years) is the same
   *     as off
   * @throws IllegalStateException if no portal4j runtime is on the class path
   * @since 0.1
   */
  public static void watchdog(Duration threshold) {
    RuntimeBinding.runtime().diagnostics().watchdog(threshold);
  }

  /**
   * The threshold of the running watchdog.
   *
   * @return the threshold, empty when the watchdog is off
   * @throws IllegalStateException if no portal4j runtime is on the class path
   * @since 0.1
   */
  public static Optional<Duration> watchdog() {
    return RuntimeBinding.runtime().diagnostics().watchdog();
  }
}

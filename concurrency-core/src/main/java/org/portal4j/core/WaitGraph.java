package org.portal4j.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.DeadlockException;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.core.events.DeadlockEvent;
import org.portal4j.spi.ThreadBoundPortal;

/**
 * The wait-for graph of the JVM: which thread (platform or virtual) is blocked waiting for which
 * call right now. Every blocking wait of the library registers here while it blocks (and only then:
 * nothing is recorded for a call that is already done), and before it blocks asks whether its wait
 * would close a cycle:
 *
 * <ul>
 *   <li>a call whose sync body runs needs the thread running it;
 *   <li>a call queued on a portal that runs on one thread only needs that thread, unless it is a
 *       callback queued to a sync waiter of a thread that is waiting in a sync waiter (that wait
 *       runs the callbacks of all the thread's waiters, innermost first);
 *   <li>an async call in flight on a loop needs that loop only when the loop is the waiting thread
 *       itself (who completes its stage is unknown otherwise);
 *   <li>a thread that is blocked needs the call it waits for.
 * </ul>
 *
 * A wait that leads back to the waiting thread would never end: it fails fast with a {@link
 * DeadlockException} that lists the cycle, and the call is left alone. Whoever closes a cycle finds
 * it: both waits are registered before either looks, so of two threads closing a cycle at once at
 * least one sees the other. A call found done anywhere on the way ends the search, so a thread that
 * is just waking up is never taken for a blocked one.
 */
final class WaitGraph {

  /**
   * Per thread waiting, its wait: the call it waits for, for a plain wait (most are: nothing to
   * allocate), the {@link BlockingWaiter} for one in a sync waiter that is nested in no other wait
   * (nothing to allocate either), or a {@link Wait} for one nested in another wait. A platform
   * thread keeps its entry between its waits, as {@link #NOT_WAITING}, so that a wait that blocks
   * allocates no map node (a round trip that parks its caller would otherwise allocate one each);
   * {@link #dropEnded} drops the entries of threads that ended. A virtual thread removes its entry
   * when its wait ends: it is usually made for one task, so its first wait is most often its only
   * one.
   */
  private static final ConcurrentHashMap<Thread, Object> WAITS = new ConcurrentHashMap<>();

  /** The value of a platform thread that is not waiting now. */
  private static final Object NOT_WAITING =
      new Object() {
        @Override
        public String toString() {
          return "not waiting";
        }
      };

  /** The fewest entries added between two sweeps. */
  private static final int MIN_SWEEP_AT = 64;

  private static final SweepPacing SWEEPS = new SweepPacing(MIN_SWEEP_AT);

  private WaitGraph() {}

  /** A wait in a sync waiter, or nested in {@code outer}, the wait (or call) it is nested in. */
  private static final class Wait {
    final Call<?> call;
    final @Nullable BlockingWaiter<?> waiter; // runs callbacks meanwhile, or null
    final @Nullable Object outer;

    Wait(Call<?> call, @Nullable BlockingWaiter<?> waiter, @Nullable Object outer) {
      this.call = call;
      this.waiter = waiter;
      this.outer = outer;
    }
  }

  private static Call<?> callOf(Object wait) {
    if (wait instanceof Wait) {
      return ((Wait) wait).call;
    }
    return wait instanceof BlockingWaiter ? ((BlockingWaiter<?>) wait).call : (Call<?>) wait;
  }

  private static @Nullable BlockingWaiter<?> waiterOf(Object wait) {
    if (wait instanceof Wait) {
      return ((Wait) wait).waiter;
    }
    return wait instanceof BlockingWaiter ? (BlockingWaiter<?>) wait : null;
  }

  private static @Nullable Object outerOf(Object wait) {
    return wait instanceof Wait ? ((Wait) wait).outer : null;
  }

  /**
   * The current thread is about to block until {@code call} is done (running {@code waiter}'s
   * callbacks meanwhile, if not null). Registers the wait; close it with {@link #exit}, on this
   * thread, when the wait ends.
   *
   * @return the wait, to hand to {@link #exit}
   * @throws DeadlockException if the wait could never end
   */
  static Object enter(Call<?> call, @Nullable BlockingWaiter<?> waiter) {
    Thread me = Thread.currentThread();
    checkSelf(me, call);
    Object outer = waitOf(me);
    Object wait = outer != null ? new Wait(call, waiter, outer) : waiter != null ? waiter : call;
    Object before = WAITS.put(me, wait);
    String cycle;
    try {
      // A virtual thread's entry goes as its wait ends: only platform threads' count and sweep.
      boolean platform = !VirtualThreads.isVirtual(me);
      if (platform && before == null) {
        SWEEPS.added(WaitGraph::dropEnded);
      } else if (platform) {
        SWEEPS.reused(WaitGraph::dropEnded);
      }
      cycle = cycleThrough(me, false, call, runnerOf(call), neededBy(call));
    } catch (Throwable t) { // a portal's runsOnlyOn, or out of memory: leave no wait behind
      exit(wait);
      throw t;
    }
    if (cycle != null) {
      exit(wait);
      throw refused(call, cycle);
    }
    return wait;
  }

  /**
   * A refused wait: the exception to throw, and the JFR event {@code org.portal4j.Deadlock} if a
   * recording wants it.
   */
  private static DeadlockException refused(Call<?> call, String message) {
    if (DeadlockEvent.enabled()) {
      DeadlockEvent event = new DeadlockEvent();
      event.call = call.name();
      event.cycle = message;
      event.commit();
    }
    return new DeadlockException(message);
  }

  /**
   * The threads blocked waiting for {@code call} right now, in a wait of their own or one they are
   * nested in (a sync waiter running callbacks meanwhile). For diagnostics: a weakly consistent
   * read.
   */
  static List<Thread> waitingFor(Call<?> call) {
    List<Thread> waiting = new ArrayList<>();
    for (Map.Entry<Thread, Object> blocked : WAITS.entrySet()) {
      Object first = blocked.getValue();
      for (Object w = first == NOT_WAITING ? null : first; w != null; w = outerOf(w)) {
        if (callOf(w) == call) {
          waiting.add(blocked.getKey());
          break;
        }
      }
    }
    return waiting;
  }

  /** The wait {@link #enter} returned on this thread has ended (however it ended). */
  static void exit(Object wait) {
    Thread me = Thread.currentThread();
    Object outer = outerOf(wait);
    if (outer != null) {
      WAITS.replace(me, wait, outer);
    } else if (VirtualThreads.isVirtual(me)) {
      WAITS.remove(me, wait);
    } else {
      WAITS.replace(me, wait, NOT_WAITING); // kept for its next wait: see WAITS
    }
  }

  /** The wait of {@code thread} now, or null if it is not waiting. */
  private static @Nullable Object waitOf(Thread thread) {
    Object wait = WAITS.get(thread);
    return wait == NOT_WAITING ? null : wait;
  }

  /**
   * Drops the entries of threads that ended ({@link #SWEEPS} paces it, after additions and now and
   * then as a wait reuses an entry): the map holds about twice the platform threads that were alive
   * and had waited at the last sweep, and a thread that ended is kept only until a later sweep. A
   * thread that ended waits no more, so its entry is not in use (whatever it holds: a wait it never
   * closed goes too).
   *
   * @return how many entries are left
   */
  private static int dropEnded() {
    WAITS.keySet().removeIf(thread -> !thread.isAlive());
    return WAITS.size();
  }

  /** How many threads have an entry, waiting or not; for tests. */
  static int entries() {
    return WAITS.size();
  }

  /** Whether {@code thread} has an entry, waiting or not; for tests. */
  static boolean hasEntry(Thread thread) {
    return WAITS.containsKey(thread);
  }

  /**
   * Before queueing {@code call} on {@code portal} to wait for it on this thread: fails fast if
   * that wait could never end, so that the call is refused instead of queued behind us.
   *
   * @throws DeadlockException naming the cycle; the call is left as it was
   */
  static void checkBeforeQueueing(Call<?> call, Portal portal) {
    Thread me = Thread.currentThread();
    Thread runner = threadOf(portal);
    if (runner == me) {
      throw refused(
          call,
          "Deadlock: "
              + me.getName()
              + " would wait for "
              + call
              + ", which only "
              + me.getName()
              + " can run ("
              + portal.name()
              + "); it was not submitted");
    }
    // The caller is about to wait in a sync waiter, which runs callbacks sent to its waiters.
    String cycle = cycleThrough(me, true, call, portal, runner);
    if (cycle != null) {
      throw refused(call, cycle + "\n" + call + " was not submitted");
    }
  }

  /** The waits that need only the waiting thread itself, with the messages users know. */
  private static void checkSelf(Thread me, Call<?> call) {
    if (!(call instanceof CapturedCall) || call.isDone()) {
      return;
    }
    CapturedCall<?> c = (CapturedCall<?>) call;
    if (c.canceller() == me) {
      throw refused(
          call,
          "Deadlock: "
              + me.getName()
              + " is waiting for "
              + c
              + " from inside its own cancellation, which ends only after it returns");
    }
    if (c.bodyThread() == me || RunningCalls.current() == c) { // named, or restoring its context
      throw refused(
          call,
          "Deadlock: " + me.getName() + " is waiting for " + c + ", which it is running itself");
    }
    Portal portal = c.runnerOrNull();
    if (!(portal instanceof ThreadBoundPortal) || !((ThreadBoundPortal) portal).runsOnlyOn(me)) {
      return;
    }
    boolean pending = c.isPending();
    if (pending || (c.isAsyncInFlight() && portal instanceof LoopPortal)) {
      throw refused(
          call,
          "Deadlock: "
              + me.getName()
              + " is waiting for "
              + c
              + ", which can only "
              + (pending ? "run" : "finish")
              + " on "
              + me.getName()
              + " (submitted to "
              + portal.name()
              + ")");
    }
  }

  /**
   * Follows the waits from {@code call} (queued on {@code portal}, or to be, needing {@code next}):
   * the cycle as text if they lead back to {@code me}, null if they end anywhere else. {@code
   * meToWaitInNewWaiter}: {@code me} is not registered yet and will wait in a new sync waiter,
   * which runs the callbacks of all its (then outer) waiters, and {@code call} is to be queued.
   *
   * <p>Nothing is allocated on the way unless the search goes past the first thread: most waits
   * need a thread that is not blocked, and the text is written only for a cycle found.
   */
  private static @Nullable String cycleThrough(
      Thread me,
      boolean meToWaitInNewWaiter,
      Call<?> call,
      @Nullable Portal portal,
      @Nullable Thread next) {
    @Nullable List<Thread> path = null; // the blocked threads followed, for the text of a cycle
    @Nullable List<Call<?>> pathCalls = null; // what each of them waits for
    @Nullable Set<Thread> seen = null;
    @Nullable Portal queuedOn = portal;
    Thread needed = next;
    while (needed != null) {
      Object wait = waitOf(needed);
      BlockingWaiter<?> waiter = wait == null ? null : waiterOf(wait);
      boolean runsIt =
          needed == me && meToWaitInNewWaiter
              ? isWaiterOf(queuedOn, me)
              : waiter != null && waiter.runsCallbacksOf(queuedOn);
      if (runsIt) {
        return null; // that thread's waiting runs the callback
      }
      if (needed == me) {
        String where =
            meToWaitInNewWaiter // then checkBeforeQueueing passed its portal
                ? "to be queued on " + Objects.requireNonNull(portal, "portal").name()
                : where(call);
        return cycleText(me, call, where, path, pathCalls);
      }
      if (wait == null) {
        return null; // not blocked: it gets to the call
      }
      if (seen == null || path == null || pathCalls == null) { // made together
        seen = new HashSet<>();
        path = new ArrayList<>();
        pathCalls = new ArrayList<>();
      }
      if (!seen.add(needed)) {
        return null; // a cycle that does not involve us
      }
      Call<?> current = callOf(wait);
      if (current.isDone()) {
        return null; // that thread is waking up
      }
      path.add(needed);
      pathCalls.add(current);
      queuedOn = runnerOf(current);
      needed = neededBy(current);
    }
    return null;
  }

  private static String cycleText(
      Thread me,
      Call<?> call,
      String where,
      @Nullable List<Thread> path,
      @Nullable List<Call<?>> pathCalls) {
    StringBuilder text =
        new StringBuilder("Deadlock: waiting here would close a cycle of waits:\n  ")
            .append(me.getName())
            .append(" waits for ")
            .append(call)
            .append(" (")
            .append(where)
            .append(')');
    if (path != null && pathCalls != null) {
      for (int i = 0; i < path.size(); i++) {
        Call<?> waited = pathCalls.get(i);
        text.append("\n  ")
            .append(path.get(i).getName())
            .append(" waits for ")
            .append(waited)
            .append(" (")
            .append(where(waited))
            .append(')');
      }
    }
    return text.toString();
  }

  private static @Nullable Portal runnerOf(Call<?> call) {
    return call instanceof CapturedCall
        ? ((CapturedCall<?>) call).runnerOrNull()
        : call.runner().orElse(null);
  }

  /** The thread that must make progress for {@code call} to end, if one alone must. */
  private static @Nullable Thread neededBy(Call<?> call) {
    if (!(call instanceof CapturedCall) || call.isDone()) {
      return null;
    }
    CapturedCall<?> c = (CapturedCall<?>) call;
    Thread body = c.bodyThread();
    if (body != null) {
      return body;
    }
    if (!c.isPending()) {
      return null; // completing, or async in flight: who completes the stage is not known
    }
    Portal portal = c.runnerOrNull();
    return portal == null ? null : threadOf(portal);
  }

  private static String where(Call<?> call) {
    if (call instanceof CapturedCall) {
      Thread body = ((CapturedCall<?>) call).bodyThread();
      if (body != null) {
        return "running on " + body.getName();
      }
    }
    Optional<Portal> portal = call.runner();
    if (portal.isEmpty()) {
      return "not submitted";
    }
    return (call.isRunning() ? "in flight on " : "queued on ") + portal.get().name();
  }

  private static boolean isWaiterOf(@Nullable Portal portal, Thread owner) {
    return portal instanceof BlockingWaiter && ((BlockingWaiter<?>) portal).owner() == owner;
  }

  /**
   * The one thread that runs {@code portal}'s calls, as far as deadlocks go: its known thread, or a
   * blocked thread it says it runs on (a thread that is not blocked ends every search anyway).
   */
  private static @Nullable Thread threadOf(Portal portal) {
    if (!(portal instanceof ThreadBoundPortal)) {
      return null;
    }
    ThreadBoundPortal bound = (ThreadBoundPortal) portal;
    Optional<Thread> known = bound.thread();
    if (known.isPresent()) {
      return bound.runsOnlyOn(known.get()) ? known.get() : null;
    }
    for (Thread blocked : WAITS.keySet()) { // every platform thread that waited: O(threads)
      if (waitOf(blocked) != null && bound.runsOnlyOn(blocked)) { // the portal's code last
        return blocked;
      }
    }
    return null;
  }
}

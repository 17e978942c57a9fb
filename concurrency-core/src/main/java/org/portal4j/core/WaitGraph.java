package org.portal4j.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.DeadlockException;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
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

  private static final ConcurrentHashMap<Thread, Wait> WAITS = new ConcurrentHashMap<>();

  private WaitGraph() {}

  /** One blocking wait of a thread; {@code outer} is the wait it is nested in, if any. */
  static final class Wait {
    final Thread thread;
    final Call<?> call;
    final @Nullable BlockingWaiter<?>
        waiter; // the sync waiter running callbacks meanwhile, or null
    final @Nullable Wait outer;

    private Wait(
        Thread thread, Call<?> call, @Nullable BlockingWaiter<?> waiter, @Nullable Wait outer) {
      this.thread = thread;
      this.call = call;
      this.waiter = waiter;
      this.outer = outer;
    }
  }

  /**
   * The current thread is about to block until {@code call} is done (running {@code waiter}'s
   * callbacks meanwhile, if not null). Registers the wait; close it with {@link #exit} when the
   * wait ends.
   *
   * @throws DeadlockException if the wait could never end
   */
  static Wait enter(Call<?> call, @Nullable BlockingWaiter<?> waiter) {
    Thread me = Thread.currentThread();
    checkSelf(me, call);
    Wait wait = new Wait(me, call, waiter, WAITS.get(me));
    WAITS.put(me, wait);
    String cycle = cycleThrough(me, false, call, runnerOf(call), neededBy(call));
    if (cycle != null) {
      exit(wait);
      throw new DeadlockException(cycle);
    }
    return wait;
  }

  /** The wait has ended (however it ended). */
  static void exit(Wait wait) {
    if (wait.outer == null) {
      WAITS.remove(wait.thread, wait);
    } else {
      WAITS.replace(wait.thread, wait, wait.outer);
    }
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
      throw new DeadlockException(
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
      throw new DeadlockException(cycle + "\n" + call + " was not submitted");
    }
  }

  /** The waits that need only the waiting thread itself, with the messages users know. */
  private static void checkSelf(Thread me, Call<?> call) {
    if (!(call instanceof CapturedCall) || call.isDone()) {
      return;
    }
    CapturedCall<?> c = (CapturedCall<?>) call;
    if (c.canceller() == me) {
      throw new DeadlockException(
          "Deadlock: "
              + me.getName()
              + " is waiting for "
              + c
              + " from inside its own cancellation, which ends only after it returns");
    }
    if (c.bodyThread() == me) {
      throw new DeadlockException(
          "Deadlock: " + me.getName() + " is waiting for " + c + ", which it is running itself");
    }
    Portal portal = c.runnerOrNull();
    if (!(portal instanceof ThreadBoundPortal) || !((ThreadBoundPortal) portal).runsOnlyOn(me)) {
      return;
    }
    boolean pending = c.isPending();
    if (pending || (c.isAsyncInFlight() && portal instanceof LoopPortal)) {
      throw new DeadlockException(
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
    @Nullable List<Wait> path = null; // the waits followed, for the text of a cycle
    @Nullable Set<Thread> seen = null;
    @Nullable Portal queuedOn = portal;
    Thread needed = next;
    while (needed != null) {
      Wait wait = WAITS.get(needed);
      boolean runsIt =
          needed == me && meToWaitInNewWaiter
              ? isWaiterOf(queuedOn, me)
              : wait != null && wait.waiter != null && wait.waiter.runsCallbacksOf(queuedOn);
      if (runsIt) {
        return null; // that thread's waiting runs the callback
      }
      if (needed == me) {
        String where =
            meToWaitInNewWaiter // then checkBeforeQueueing passed its portal
                ? "to be queued on " + Objects.requireNonNull(portal, "portal").name()
                : where(call);
        return cycleText(me, call, where, path);
      }
      if (wait == null) {
        return null; // not blocked: it gets to the call
      }
      if (seen == null || path == null) { // made together
        seen = new HashSet<>();
        path = new ArrayList<>();
      }
      if (!seen.add(needed)) {
        return null; // a cycle that does not involve us
      }
      Call<?> current = wait.call;
      if (current.isDone()) {
        return null; // that thread is waking up
      }
      path.add(wait);
      queuedOn = runnerOf(current);
      needed = neededBy(current);
    }
    return null;
  }

  private static String cycleText(
      Thread me, Call<?> call, String where, @Nullable List<Wait> path) {
    StringBuilder text =
        new StringBuilder("Deadlock: waiting here would close a cycle of waits:\n  ")
            .append(me.getName())
            .append(" waits for ")
            .append(call)
            .append(" (")
            .append(where)
            .append(')');
    if (path != null) {
      for (Wait wait : path) {
        text.append("\n  ")
            .append(wait.thread.getName())
            .append(" waits for ")
            .append(wait.call)
            .append(" (")
            .append(where(wait.call))
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
    for (Thread blocked : WAITS.keySet()) {
      if (bound.runsOnlyOn(blocked)) {
        return blocked;
      }
    }
    return null;
  }
}

package org.portal4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;

/**
 * The deadlines of calls that will most likely end long before them: a timeout of {@link
 * #FAR_NANOS} or more costs a running call one small node and one CAS, not a timer of its own.
 *
 * <p>Such a call is pushed on a lock-free stack with its deadline. While anything is on it, a sweep
 * runs every {@link #TICK_NANOS} on the runtime's timer thread ({@link TimeoutScheduler}), the only
 * thread that reads the nodes after their push: it forgets the calls that are done and gives a
 * precise timer to each call whose deadline is less than two ticks away, so a deadline fires on
 * time, never early and not a tick late. A call that ends before its deadline comes near, the
 * common case, never gets a timer, and a done call is forgotten within a tick, so it is not kept
 * alive until its deadline.
 */
final class FarDeadlines {

  /** Deadlines at least this far away are swept instead of timed. */
  static final long FAR_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How often the sweep runs while calls are waiting for their deadline. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final Duration TICK = Duration.ofNanos(TICK_NANOS);

  /** A call and its deadline ({@link System#nanoTime()}), linked to the node pushed before it. */
  static final class Node {
    /**
     * The call, until it ends: its ending forgets it here ({@link #forget()}), so that a call done
     * long before its deadline is not kept alive until the next sweep. A racy read may still see
     * it; the sweep then finds it done.
     */
    private @Nullable CapturedCall<?> call;

    final long deadline;
    @Nullable Node next; // written before the push; read by the sweep only

    Node(CapturedCall<?> call, long deadline) {
      this.call = call;
      this.deadline = deadline;
    }

    /** The call ended: the sweep skips this node and the call can be collected. */
    void forget() {
      call = null;
    }
  }

  /** The one the runtime uses: its sweeps run on the runtime's timer thread. */
  private static final FarDeadlines TIMER_THREAD =
      new FarDeadlines(sweep -> TimeoutScheduler.schedule(sweep, TICK));

  private final Consumer<Runnable> scheduler;
  private final Runnable sweep = this::sweep;
  private final AtomicReference<@Nullable Node> pushed = new AtomicReference<>();

  /** A sweep is scheduled or running; only then are {@link #waiting} and nodes read. */
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /** The calls taken off the stack whose deadline is still far; the sweeps' own. */
  private final List<Node> waiting = new ArrayList<>();

  /**
   * Deadlines swept by whatever {@code scheduler} runs: it must run each sweep handed to it once, a
   * tick later, one at a time.
   */
  FarDeadlines(Consumer<Runnable> scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Watches {@code call}'s deadline: at it, unless the call is done by then, {@code call.timeOut()}
   * runs on the runtime's timer thread.
   *
   * @param call a running call
   * @param deadline its deadline, at least {@link #FAR_NANOS} from now
   */
  static void watch(CapturedCall<?> call, long deadline) {
    TIMER_THREAD.add(call, deadline);
  }

  /** Watches {@code call}'s deadline with this instance's sweeps. */
  void add(CapturedCall<?> call, long deadline) {
    Node node = new Node(call, deadline);
    call.watchedBy(node); // before the push: the sweep may replace it with a timer at once
    Node head;
    do {
      head = pushed.get();
      node.next = head;
    } while (!pushed.compareAndSet(head, node));
    if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
      scheduler.accept(sweep);
    }
  }

  /** A sweep: take the pushed calls, forget the done ones, time the ones due soon. */
  void sweep() {
    try {
      for (Node n = pushed.getAndSet(null); n != null; ) {
        Node next = n.next;
        n.next = null; // else a node kept for long keeps every node pushed before it, and calls
        waiting.add(n);
        n = next;
      }
      long now = System.nanoTime();
      int kept = 0;
      for (int i = 0; i < waiting.size(); i++) {
        Node n = waiting.get(i);
        CapturedCall<?> call = n.call;
        if (call == null || call.isDone()) {
          continue;
        }
        if (n.deadline - now < 2 * TICK_NANOS) {
          call.armTimeout(Math.max(0, n.deadline - now));
        } else {
          waiting.set(kept++, n);
        }
      }
      waiting.subList(kept, waiting.size()).clear();
    } finally { // whatever happened, the deadlines still waiting get another sweep
      if (!waiting.isEmpty() || pushed.get() != null) {
        scheduler.accept(sweep);
      } else {
        // Idle: a push after this line schedules the next sweep; one before it is seen here.
        sweeping.set(false);
        if (pushed.get() != null && sweeping.compareAndSet(false, true)) {
          scheduler.accept(sweep);
        }
      }
    }
  }

  /** How many calls are watched (pushed or waiting); call it where the sweeps run. */
  int watched() {
    int count = waiting.size();
    for (Node n = pushed.get(); n != null; n = n.next) {
      count++;
    }
    return count;
  }

  /** Whether {@code call} is watched; call it where the sweeps run. */
  boolean watches(Call<?> call) {
    for (Node n = pushed.get(); n != null; n = n.next) {
      if (n.call == call) {
        return true;
      }
    }
    return waiting.stream().anyMatch(n -> n.call == call);
  }

  /** How many calls the runtime's sweeps watch right now; for tests. */
  static int watchedForTest() throws Exception {
    return TimeoutScheduler.callOnTimerThread(TIMER_THREAD::watched);
  }
}

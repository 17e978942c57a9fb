package org.portal4j.core;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;

/**
 * The deadlines of calls that will most likely end long before them: a timeout of {@link
 * #FAR_NANOS} or more costs a running call no timer of its own, and a sync call not even a node.
 *
 * <p>A call whose body runs on a thread is found there: the sweep looks at the innermost call of
 * each thread that runs calls ({@link RunningCalls}), so a far deadline costs such a call a 32-byte
 * mark, a read of the {@link CoarseClock} and a fence, whatever the rate of calls: the first sweep
 * that finds it works its deadline out ({@link OnThread}). A call that leaves its thread still
 * running (an async call whose stage is pending), or that a call nested in it covers up on its
 * thread, is pushed on a lock-free stack with its deadline. While anything is watched, a sweep runs
 * every {@link #TICK_NANOS} on the runtime's timer thread ({@link TimeoutScheduler}), the only
 * thread that reads the nodes after their push: it forgets the calls that are done and gives a
 * precise timer to each call whose deadline is less than two ticks away, so a deadline never fires
 * early, and late only by what working it out adds ({@link OnThread}). A call that ends before its
 * deadline comes near, the common case, never gets a timer, and a done call is forgotten within a
 * tick, so it is not kept alive until its deadline.
 *
 * <p>The first version pushed a node for every call: at millions of timed calls a second, each
 * sweep walked up to a million nodes, kept alive until then, and a timed call run inline took 90 to
 * 430 ns against an untimed one's 38 ns (InlineTimedCallBenchmark; docs/benchmarks.md).
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

  /**
   * A call's mark while its far deadline is watched through its thread ({@code
   * CapturedCall.timer}): its deadline, or, until a sweep or the call's thread works it out, the
   * {@link CoarseClock} reading after the call's start and its timeout.
   *
   * <p>A call that reads {@code nanoTime} as it starts pays about 20 ns for it, two thirds of what
   * a far deadline cost a call run inline (InlineTimedCallBenchmark; docs/benchmarks.md), though
   * most such calls end long before a sweep looks. So the sweep that first finds the call on its
   * thread works the deadline out: from the second tick after the reading ({@link
   * CoarseClock#secondTickAfter}) or the sweep's own {@code nanoTime}, whichever is earlier, both
   * no earlier than the start. The deadline never comes early, and comes at most about two clock
   * ticks late (the clock's reading was a tick's time, and the second tick after it came), else one
   * sweep late (the clock stopped after the reading, or its ticks are long gone), plus however late
   * the timer thread ran them. A call descheduled for long between its start and showing on its
   * thread may be found later than that, and counts from then.
   */
  static final class OnThread {
    /** The deadline, once {@link #nanos} is 0; until then the clock reading after the start. */
    private final long time;

    /** The timeout, at least {@link #FAR_NANOS}, until the deadline is known; then 0. */
    private final long nanos;

    private OnThread(long time, long nanos) {
      this.time = time;
      this.nanos = nanos;
    }

    /** A mark that knows its deadline ({@link System#nanoTime()}). */
    static OnThread at(long deadline) {
      return new OnThread(deadline, 0);
    }

    /**
     * A mark for a call that started at or after {@code reading}, a {@link CoarseClock#coarse()}
     * reading, with a timeout of {@code nanos}; its deadline is worked out later.
     */
    static OnThread since(long reading, long nanos) {
      if (nanos < FAR_NANOS) {
        throw new IllegalArgumentException("not a far deadline: " + nanos + " ns");
      }
      return new OnThread(reading, nanos);
    }

    /** Whether the deadline is known. */
    boolean isStamped() {
      return nanos == 0;
    }

    /** The deadline; only once {@link #isStamped()}. */
    long deadline() {
      return time;
    }

    /**
     * The deadline, known or worked out on the call's thread, which reads {@code nanoTime} after
     * the start: no earlier than the call's true deadline.
     */
    long deadlineNow() {
      return isStamped() ? time : System.nanoTime() + nanos;
    }
  }

  /** The one the runtime uses: its sweeps run on the runtime's timer thread. */
  private static final FarDeadlines TIMER_THREAD =
      new FarDeadlines(
          sweep -> TimeoutScheduler.schedule(sweep, TICK),
          RunningCalls::forEachCall,
          CoarseClock::runtimeSecondTickAfter); // the clock ticks on the sweeps' thread

  private final Consumer<Runnable> scheduler;
  private final Consumer<Consumer<CapturedCall<?>>> onThreads;
  private final LongUnaryOperator startBound;
  private final UnaryOperator<OnThread> stamp = this::stamp;
  private final Runnable sweep = this::sweep;
  private final AtomicReference<@Nullable Node> pushed = new AtomicReference<>();

  /** A sweep is scheduled or running; only then are {@link #waiting} and nodes read. */
  private final AtomicBoolean sweeping = new AtomicBoolean();

  /** The calls taken off the stack whose deadline is still far; the sweeps' own. */
  private final List<Node> waiting = new ArrayList<>();

  /**
   * Deadlines swept by whatever {@code scheduler} runs: it must run each sweep handed to it once, a
   * tick later, one at a time.
   *
   * @param scheduler runs each sweep a tick later
   * @param onThreads hands each call running on a thread now (the innermost of each thread) to its
   *     argument; the calls it shows are read with acquire
   */
  FarDeadlines(Consumer<Runnable> scheduler, Consumer<Consumer<CapturedCall<?>>> onThreads) {
    this(scheduler, onThreads, reading -> Long.MAX_VALUE);
  }

  /**
   * As above, with {@code startBound} to work out the deadlines of marks that do not know theirs:
   * for a clock reading after a call's start, a time no earlier than that start, or {@link
   * Long#MAX_VALUE} if it knows none. The sweeps call it on their thread.
   */
  FarDeadlines(
      Consumer<Runnable> scheduler,
      Consumer<Consumer<CapturedCall<?>>> onThreads,
      LongUnaryOperator startBound) {
    this.scheduler = scheduler;
    this.onThreads = onThreads;
    this.startBound = startBound;
  }

  /**
   * Watches {@code call}'s deadline with a node: at it, unless the call is done by then, {@code
   * call.timeOut()} runs on the runtime's timer thread. For a call that no thread shows as running
   * (see {@link #watchOnThread()}).
   *
   * @param call a running call
   * @param deadline its deadline, at least {@link #FAR_NANOS} from now
   */
  static void watch(CapturedCall<?> call, long deadline) {
    TIMER_THREAD.add(call, deadline);
  }

  /**
   * A call marked as watched on its thread ({@link CapturedCall#watchOnThread}) is now its thread's
   * innermost call: makes sure the runtime's sweeps run ({@link #shownOnThread()}).
   */
  static void watchOnThread() {
    TIMER_THREAD.shownOnThread();
  }

  /**
   * A call marked as watched on its thread now shows there (a release store, before this): fences,
   * then makes sure the sweeps run. The fence pairs with the one a sweep that stops makes before
   * its last look ({@link #sweep()}): either the call sees the sweeps stopped and starts one, or
   * that last look sees the call. Without it a call could miss both (jcstress
   * FarDeadlinesStopTest).
   */
  void shownOnThread() {
    VarHandle.fullFence();
    sweepSoon();
  }

  /** Watches {@code call}'s deadline with this instance's sweeps. */
  void add(CapturedCall<?> call, long deadline) {
    Node node = new Node(call, deadline);
    if (!call.watchedBy(node)) { // before the push: the sweep may replace it with a timer at once
      return; // a timer of its own already, or ended
    }
    Node head;
    do {
      head = pushed.get();
      node.next = head;
    } while (!pushed.compareAndSet(head, node));
    sweepSoon();
  }

  /** Schedules a sweep unless one is scheduled or running. */
  void sweepSoon() {
    if (!sweeping.get() && sweeping.compareAndSet(false, true)) {
      schedule();
    }
  }

  /**
   * Hands the next sweep to the scheduler; the caller set {@link #sweeping}. If the scheduler
   * throws, no sweep is scheduled: says so, or no later watch would schedule one.
   */
  private void schedule() {
    try {
      scheduler.accept(sweep);
    } catch (Throwable t) {
      sweeping.set(false);
      throw t;
    }
  }

  /**
   * Gives a timer to each call running on a thread whose far deadline is near.
   *
   * @return whether any such call still waits for a later sweep
   */
  private boolean sweepOnThreads(long now) {
    boolean[] waits = {false};
    onThreads.accept(
        call -> {
          if (call.sweptOnThread(now, 2 * TICK_NANOS, stamp)) {
            waits[0] = true;
          }
        });
    return waits[0];
  }

  /**
   * The mark of a call this sweep found on its thread, with its deadline worked out: from the
   * earlier of two times no earlier than the call's start, the clock's bound and now (read after
   * the call was seen, so after it started).
   */
  OnThread stamp(OnThread mark) {
    if (mark.isStamped()) {
      return mark;
    }
    long seen = System.nanoTime();
    long bound = startBound.applyAsLong(mark.time);
    long start = bound == Long.MAX_VALUE || bound - seen > 0 ? seen : bound;
    return OnThread.at(start + mark.nanos);
  }

  /** A sweep: take the pushed calls, forget the done ones, time the ones due soon. */
  void sweep() {
    boolean onThread = true; // if the sweep throws, look again a tick later
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
          call.armTimeout(n, Math.max(0, n.deadline - now));
        } else {
          waiting.set(kept++, n);
        }
      }
      waiting.subList(kept, waiting.size()).clear();
      onThread = sweepOnThreads(now);
    } finally { // whatever happened, the deadlines still waiting get another sweep
      if (onThread || !waiting.isEmpty() || pushed.get() != null) {
        schedule();
      } else {
        // Idle: a push or a call shown on its thread after this line schedules the next sweep;
        // one before it is seen here. The fence pairs with the one after a call shows itself on
        // its thread: either it sees us idle, or we see it.
        sweeping.set(false);
        VarHandle.fullFence();
        boolean seen = true; // if the last look throws, look again a tick later
        try {
          seen = pushed.get() != null || sweepOnThreads(System.nanoTime());
        } finally {
          if (seen && sweeping.compareAndSet(false, true)) {
            schedule();
          }
        }
      }
    }
  }

  /**
   * How many calls are watched (on their threads, pushed or waiting); call it where the sweeps run.
   */
  int watched() {
    int[] count = {nodes()};
    onThreads.accept(
        call -> {
          if (call.isWatchedOnThread()) {
            count[0]++;
          }
        });
    return count[0];
  }

  /** Whether {@code call} is watched; call it where the sweeps run. */
  boolean watches(Call<?> call) {
    for (Node n = pushed.get(); n != null; n = n.next) {
      if (n.call == call) {
        return true;
      }
    }
    boolean[] onThread = {false};
    onThreads.accept(c -> onThread[0] |= c == call && c.isWatchedOnThread());
    return onThread[0] || waiting.stream().anyMatch(n -> n.call == call);
  }

  /** How many calls are watched with a node (pushed or waiting); call it where the sweeps run. */
  int nodes() {
    int count = waiting.size();
    for (Node n = pushed.get(); n != null; n = n.next) {
      count++;
    }
    return count;
  }

  /** How many calls the runtime's sweeps watch with a node right now; for tests. */
  static int nodesForTest() throws Exception {
    return TimeoutScheduler.callOnTimerThread(TIMER_THREAD::nodes);
  }

  /** How many calls the runtime's sweeps watch right now; for tests. */
  static int watchedForTest() throws Exception {
    return TimeoutScheduler.callOnTimerThread(TIMER_THREAD::watched);
  }
}

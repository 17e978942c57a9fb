package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portal4j.Portals;
import org.portal4j.model.ModelChecks;

/**
 * Model checks {@link FarDeadlines}: calls pushed from many threads, calls watched on the threads
 * that run them (here a queue standing for the threads' innermost calls) and leaving them, calls
 * ending, and the sweeps that the timer thread runs one at a time (here an operation of its own,
 * never run in parallel with itself), in every interleaving explored.
 *
 * <p>Sequential specification: the operations return nothing, so every history is linearizable;
 * what matters is checked after each execution ({@link #rules()}): no lost wake-up (whenever a call
 * is watched, a sweep is scheduled), no lost call (every watched call that has not ended is still
 * watched), and once every call has ended the sweeps forget them all and stop scheduling
 * themselves.
 */
public class FarDeadlinesModelTest {

  private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);

  /** The sweeps handed to the modelled timer thread, in order. */
  private final ConcurrentLinkedQueue<Runnable> scheduled = new ConcurrentLinkedQueue<>();

  /** The innermost call of each modelled thread that runs one. */
  private final ConcurrentLinkedQueue<CapturedCall<?>> onThreads = new ConcurrentLinkedQueue<>();

  private final FarDeadlines deadlines = new FarDeadlines(scheduled::add, onThreads::forEach);
  private final ConcurrentLinkedQueue<CapturedCall<Integer>> watchedCalls =
      new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void bindTheRuntimeOutsideTheModel() {
    Portals.backends(); // finds the runtime once; the model then only reads what it found
  }

  @Operation
  public void watch() {
    CapturedCall<Integer> call = CapturedCall.sync("watched", () -> 1);
    watchedCalls.add(call);
    deadlines.add(call, System.nanoTime() + AN_HOUR);
  }

  /**
   * A sync call starts on a thread: marked, shown on the thread, then the sweeps made sure of. As a
   * call that starts does, it marks its deadline unknown: the first sweep that finds it works the
   * deadline out and swaps the mark, racing its end and its move to a node.
   */
  @Operation
  public void runOnThread() {
    CapturedCall<Integer> call = CapturedCall.sync("on-thread", () -> 1);
    watchedCalls.add(call);
    call.watchOnThread(FarDeadlines.OnThread.since(System.nanoTime(), AN_HOUR));
    onThreads.add(call);
    deadlines.shownOnThread();
  }

  /** An async call's body returns with its stage pending: off its thread, then onto a node. */
  @Operation
  public void leaveThread() {
    CapturedCall<?> call = onThreads.poll();
    FarDeadlines.OnThread mark = call == null ? null : call.farDeadlineMark(); // one read, as its
    if (call != null && mark != null) { // thread's: a sweep may swap the mark or time the call
      deadlines.add(call, mark.deadlineNow());
    }
  }

  @Operation
  public void endOne() {
    for (CapturedCall<Integer> call : watchedCalls) {
      if (call.cancel()) {
        return;
      }
    }
  }

  @Operation(nonParallelGroup = "timer-thread")
  public void runScheduledSweep() {
    Runnable sweep = scheduled.poll();
    if (sweep != null) {
      sweep.run();
    }
  }

  @Validate
  public void rules() {
    int watched = deadlines.watched();
    if (watched > 0 && scheduled.isEmpty()) {
      throw new AssertionError(watched + " call(s) watched and no sweep scheduled: lost wake-up");
    }
    if (scheduled.size() > 1) {
      throw new AssertionError(scheduled.size() + " sweeps scheduled at once");
    }
    for (CapturedCall<Integer> call : watchedCalls) {
      if (!call.isDone() && !deadlines.watches(call)) {
        throw new AssertionError(call + " has not ended and is no longer watched");
      }
    }
    List<CapturedCall<Integer>> all = new ArrayList<>(watchedCalls);
    all.forEach(CapturedCall::cancel);
    for (int i = 0; i < 10 && !scheduled.isEmpty(); i++) {
      scheduled.poll().run();
    }
    if (deadlines.watched() != 0 || !scheduled.isEmpty()) {
      throw new AssertionError(
          "after every call ended: "
              + deadlines.watched()
              + " still watched, "
              + scheduled.size()
              + " sweep(s) still scheduled");
    }
  }

  @Test
  void everyInterleavingKeepsTheRules() {
    ModelChecks.options().check(getClass());
  }

  /**
   * The race the data-structure scenarios above rarely draw: the timer thread's sweep finds nothing
   * to watch and stops just as a call shows itself on its thread. Either the call sees the sweeps
   * stopped and schedules one, or the stopping sweep's last look sees the call.
   */
  @Test
  void aSweepThatStopsAsACallShowsOnItsThreadLeavesItWatched() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          ConcurrentLinkedQueue<Runnable> sweeps = new ConcurrentLinkedQueue<>();
          ConcurrentLinkedQueue<CapturedCall<?>> threads = new ConcurrentLinkedQueue<>();
          FarDeadlines watch = new FarDeadlines(sweeps::add, threads::forEach);
          CapturedCall<Integer> first = CapturedCall.sync("first", () -> 1);
          first.watchOnThread(System.nanoTime() + AN_HOUR);
          threads.add(first);
          watch.shownOnThread();
          first.cancel(); // so the sweep about to run finds nothing and stops
          Runnable sweep = sweeps.poll();
          CapturedCall<Integer> second = CapturedCall.sync("second", () -> 2);
          Thread starter =
              new Thread(
                  () -> {
                    second.watchOnThread(System.nanoTime() + AN_HOUR);
                    threads.add(second);
                    watch.shownOnThread();
                  });
          check(sweep != null, "no sweep was scheduled for the first call");
          sweepRacing(sweep, starter);
          check(
              sweeps.size() == 1,
              sweeps.size() + " sweep(s) scheduled for a call watched on its thread");
        });
  }

  /**
   * A call covered up on its thread by a nested call moves its far deadline, still unknown, to a
   * node (runBody: the outer call leaves before the inner shows, so the sweep may still see it),
   * while the first sweep that sees it swaps its mark for one that knows the deadline. A hostile
   * review found the move's CAS failing on the swapped mark, so that no node was pushed and no
   * sweep looked at the call again: its deadline lost.
   */
  @Test
  void aSweepWorkingOutADeadlineAsItsCallIsCoveredUpLeavesItWatched() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          ConcurrentLinkedQueue<Runnable> sweeps = new ConcurrentLinkedQueue<>();
          ConcurrentLinkedQueue<CapturedCall<?>> threads = new ConcurrentLinkedQueue<>();
          FarDeadlines watch = new FarDeadlines(sweeps::add, threads::forEach);
          CapturedCall<Integer> outer = CapturedCall.sync("outer", () -> 1);
          outer.watchOnThread(FarDeadlines.OnThread.since(System.nanoTime(), AN_HOUR));
          threads.add(outer);
          watch.shownOnThread();
          Runnable sweep = sweeps.poll();
          Thread owner =
              new Thread(
                  () -> {
                    FarDeadlines.OnThread mark = outer.farDeadlineMark(); // one read, as its own
                    if (mark != null) {
                      watch.add(outer, mark.deadlineNow());
                    }
                    threads.remove(outer); // the nested call shows instead
                  });
          check(sweep != null, "no sweep was scheduled for the call");
          sweepRacing(sweep, owner);
          check(watch.watches(outer), "the covered call's far deadline is no longer watched");
        });
  }

  /**
   * Runs {@code sweep} here, as the timer thread, while {@code other} runs; returns once both end.
   */
  private static void sweepRacing(Runnable sweep, Thread other) {
    other.start();
    sweep.run();
    try {
      other.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

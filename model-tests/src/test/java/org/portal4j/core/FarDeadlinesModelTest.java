package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portal4j.Portals;
import org.portal4j.model.ModelChecks;

/**
 * Model checks {@link FarDeadlines}: calls pushed from many threads, calls ending, and the sweeps
 * that the timer thread runs one at a time (here an operation of its own, never run in parallel
 * with itself), in every interleaving explored.
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

  private final FarDeadlines deadlines = new FarDeadlines(scheduled::add);
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
}

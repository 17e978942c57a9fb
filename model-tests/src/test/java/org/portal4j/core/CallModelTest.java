package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.model.ModelChecks;

/**
 * Model checks the {@link CapturedCall} state machine of a sync call: running it, cancelling it
 * (from several threads), its timeout firing, and callbacks added meanwhile, in every interleaving
 * Lincheck's model checker explores.
 *
 * <p>Sequential specification ({@link Spec}): a call is pending until it runs (then succeeded) or
 * is cancelled or timed out (then cancelled); whatever happens first wins and the rest changes
 * nothing. {@code cancel()} answers whether it cancelled, and after it returns the call is done,
 * whether it won or lost. The rules of DESIGN.md that a result cannot show are checked after each
 * execution ({@link #rules()}): the body runs at most once; a cancel callback runs at most once,
 * only for a cancelled call, and before the call reads as cancelled; a done callback runs exactly
 * once when the call is done, seeing it done; the view is done once the call is.
 */
public class CallModelTest {

  private final AtomicInteger bodyRuns = new AtomicInteger();
  private final CapturedCall<Integer> call =
      CapturedCall.sync(
          "modelled",
          () -> {
            bodyRuns.incrementAndGet();
            return 42;
          });
  private final ConcurrentLinkedQueue<Probe> cancelProbes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Probe> doneProbes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<CompletableFuture<Integer>> views =
      new ConcurrentLinkedQueue<>();

  /** What a callback saw when it ran. */
  private static final class Probe {
    final AtomicInteger runs = new AtomicInteger();
    volatile boolean sawCancelled;
    volatile boolean sawDone;
  }

  @Operation(nonParallelGroup = "runner")
  public void run() {
    call.run();
  }

  @Operation
  public String cancel() {
    boolean cancelled = call.cancel();
    return cancelled + (call.isDone() ? "/done" : "/NOT DONE");
  }

  /** The timeout firing (without the overrun warning, which needs the real timer thread). */
  @Operation(nonParallelGroup = "timer")
  public void timeOut() {
    call.expire();
  }

  @Operation
  public String outcome() {
    if (!call.isDone()) {
      return "pending";
    }
    try {
      return String.valueOf(call.result());
    } catch (CallTimeoutException e) {
      return "timed out";
    } catch (CallCancelledException e) {
      return "cancelled";
    }
  }

  @Operation
  public void addCancelCallback() {
    Probe probe = new Probe();
    cancelProbes.add(probe);
    call.addCancelCallback(
        () -> {
          probe.sawCancelled = call.isCancelled();
          probe.runs.incrementAndGet();
        });
  }

  @Operation
  public void addDoneCallback() {
    Probe probe = new Probe();
    doneProbes.add(probe);
    call.addDoneCallback(
        done -> {
          probe.sawDone = done.isDone();
          probe.runs.incrementAndGet();
        });
  }

  /** The view, asked for while the call may be ending: done once the call is done. */
  @Operation
  public void view() {
    views.add(call.toCompletableFuture());
  }

  @Validate
  public void rules() {
    check(bodyRuns.get() <= 1, "the body ran " + bodyRuns.get() + " times");
    for (Probe probe : cancelProbes) {
      check(probe.runs.get() <= 1, "a cancel callback ran " + probe.runs.get() + " times");
      if (probe.runs.get() == 1) {
        check(call.isCancelled(), "a cancel callback ran but the call is " + call);
        check(!probe.sawCancelled, "a cancel callback saw the call already cancelled");
      }
    }
    for (CompletableFuture<Integer> view : views) {
      check(view.isDone() == call.isDone(), "the view is " + view + " while the call is " + call);
    }
    for (Probe probe : doneProbes) {
      int expected = call.isDone() ? 1 : 0;
      check(probe.runs.get() == expected, "a done callback ran " + probe.runs.get() + " times");
      check(probe.runs.get() == 0 || probe.sawDone, "a done callback saw the call not done");
    }
  }

  @Test
  void everyInterleavingKeepsTheSequentialSpecificationAndTheRules() {
    ModelChecks.options().sequentialSpecification(Spec.class).check(getClass());
  }

  /** The sequential specification: what a call does when one thing happens at a time. */
  public static class Spec {
    private String state = "pending";

    public void run() {
      if (state.equals("pending")) {
        state = "42";
      }
    }

    public String cancel() {
      if (!state.equals("pending")) {
        return "false/done";
      }
      state = "cancelled";
      return "true/done";
    }

    public void timeOut() {
      if (state.equals("pending")) {
        state = "timed out";
      }
    }

    public String outcome() {
      return state;
    }

    public void addCancelCallback() {}

    public void addDoneCallback() {}

    public void view() {}
  }
}

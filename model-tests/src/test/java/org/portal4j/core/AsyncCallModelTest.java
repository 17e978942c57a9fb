package org.portal4j.core;

import java.util.concurrent.CompletableFuture;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.model.ModelChecks;

/**
 * Model checks an async {@link CapturedCall}: its function returns a stage, and the call ends when
 * the stage completes, or when it is cancelled or times out first (which cancels the stage).
 *
 * <p>Sequential specification ({@link Spec}): pending; running it puts it in flight (or ends it at
 * once if its stage is already complete), and running it again while in flight is refused;
 * completing the stage ends a call in flight with the stage's value; cancel and timeout end a call
 * that is not done, and cancel the stage of one in flight, so that completing the stage afterwards
 * fails. One end wins; whatever comes later changes nothing. After {@code cancel()} returns the
 * call is done. Checked after each execution: the function runs at most once, and a stage the call
 * cancelled never delivers a value to it.
 */
public class AsyncCallModelTest {

  private final CompletableFuture<Integer> stage = new CompletableFuture<>();
  private volatile int functionRuns;
  private final CapturedCall<Integer> call =
      CapturedCall.async(
          "modelled-async",
          () -> {
            functionRuns++;
            return stage;
          });

  @Operation(nonParallelGroup = "runner")
  public void run() {
    call.run();
  }

  /**
   * The stage's producer completes it. Whether it still could is not a result: a cancel ends the
   * call first and cancels the stage a moment later, so the stage may complete in between; the call
   * ignores it. A producer that finds the stage cancelled has met the call's ending, which cancels
   * the stage just before it marks the call done (so that whoever the end wakes finds the stage
   * cancelled): it waits for that moment, as any waiter would.
   */
  @Operation(nonParallelGroup = "stage")
  public void completeStage() {
    if (!stage.complete(42)) {
      call.toCompletableFuture().handle((value, error) -> null).join();
    }
  }

  @Operation
  public String cancel() {
    boolean cancelled = call.cancel();
    return cancelled + (call.isDone() ? "/done" : "/NOT DONE");
  }

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

  @Validate
  public void rules() {
    if (functionRuns > 1) {
      throw new IllegalStateException("the function ran " + functionRuns + " times");
    }
    if (stage.isCancelled() && call.isDone() && !call.isCancelled()) {
      throw new IllegalStateException("the call took a value from the stage it cancelled");
    }
  }

  @Test
  void everyInterleavingKeepsTheSequentialSpecificationAndTheRules() {
    ModelChecks.options().sequentialSpecification(Spec.class).check(getClass());
  }

  /** The sequential specification of an async call and its stage. */
  public static class Spec {
    private String call = "pending"; // pending, in flight, 42, cancelled, timed out
    private String stage = "pending"; // pending, 42, cancelled

    public void run() {
      if (call.equals("in flight")) {
        throw new IllegalStateException("already running");
      }
      if (call.equals("pending")) {
        call = stage.equals("42") ? "42" : "in flight";
      }
    }

    public void completeStage() {
      if (stage.equals("pending")) {
        stage = "42";
        if (call.equals("in flight")) {
          call = "42";
        }
      }
    }

    public String cancel() {
      return end("cancelled") + "/done";
    }

    public void timeOut() {
      end("timed out");
    }

    private boolean end(String how) {
      if (!call.equals("pending") && !call.equals("in flight")) {
        return false;
      }
      if (call.equals("in flight") && stage.equals("pending")) {
        stage = "cancelled";
      }
      call = how;
      return true;
    }

    public String outcome() {
      return call.equals("in flight") ? "pending" : call;
    }
  }
}

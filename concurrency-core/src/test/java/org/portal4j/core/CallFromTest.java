package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;

/** {@code Call.from(CompletionStage)}: a call that follows a stage, and cancels it. */
@Timeout(30)
class CallFromTest {

  @Test
  void aCallFromACompletedStageIsDoneWithItsValue() {
    Call<String> call = Call.from(CompletableFuture.completedFuture("v"));

    assertTrue(call.isDone());
    assertEquals("v", call.result());
  }

  @Test
  void aCallFromAPendingStageRunsUntilTheStageCompletes() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.from(stage);

    assertTrue(call.isRunning());
    assertFalse(call.isDone());
    assertFalse(call.runner().isPresent(), "it is never submitted");

    stage.complete("later");

    assertEquals("later", call.result(WAIT));
    assertEquals("later", call.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Test
  void aCallFromAFailedStageFailsWithTheUnwrappedCause() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.from(stage);
    IllegalStateException cause = new IllegalStateException("failed");

    stage.completeExceptionally(new CompletionException(cause));

    assertSame(cause, assertThrows(IllegalStateException.class, call::result));
  }

  @Test
  void cancellingTheCallCancelsTheStage() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.from(stage);

    assertTrue(call.cancel());

    assertTrue(stage.isCancelled());
    assertTrue(call.isCancelled());
    assertThrows(CallCancelledException.class, call::result);
  }

  @Test
  void aStageCancelledOnItsOwnFailsTheCallWithItsCancellation() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.from("follower", stage);

    stage.cancel(true);

    assertTrue(call.isDone());
    assertThrows(CancellationException.class, call::result);
    assertEquals("follower", call.name());
  }

  @Test
  void aStageAndACallConvertBothWays() {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    CompletableFuture<Integer> back = Call.from(stage).toCompletableFuture();

    stage.complete(42);

    assertEquals(42, back.join());
  }

  @Test
  void aNullStageIsRefused() {
    assertThrows(NullPointerException.class, () -> Call.from(null));
  }
}

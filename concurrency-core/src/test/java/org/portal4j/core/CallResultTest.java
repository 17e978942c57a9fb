package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** What a call's outcome is: results, states, failures, and the stage {@code run()} returns. */
@CheckThreadLeaks
@Timeout(30)
class CallResultTest {

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /**
   * An error no JVM would throw by itself, so that only the function under test can be its source.
   */
  static final class DeliberateError extends Error {
    DeliberateError(String message) {
      super(message);
    }
  }

  // ------------------------------------------------------------------ of / ofAsync

  @Test
  void syncCallResultIsWhatTheFunctionReturned() {
    Call<String> call = Call.of(() -> "hello");

    call.run();

    assertEquals("hello", call.result());
  }

  @Test
  void asyncCallIsDoneWhenItsStageIsAndHasTheStagesValue() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);

    CompletionStage<Void> ran = call.run();

    assertTrue(call.isRunning(), "the call runs until its stage completes");
    assertFalse(call.isDone());
    assertFalse(ran.toCompletableFuture().isDone());

    stage.complete("later");

    ran.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(call.isDone());
    assertEquals("later", call.result());
  }

  @Test
  void asyncCallWhoseStageCompletesOnAnotherThreadGetsThatValue() throws Exception {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    Call<Integer> call = Call.ofAsync(() -> stage);
    call.run();

    support.startThread("stage-completer", () -> stage.complete(42));

    assertEquals(42, call.result(WAIT));
  }

  @Test
  void plainCallReturningAStageHasTheStageItselfAsResult() {
    CompletableFuture<String> stage = new CompletableFuture<>(); // never completed
    Call<CompletableFuture<String>> call = Call.of(() -> stage);

    call.run();

    assertTrue(call.isDone(), "a plain call does not wait for a stage it returns");
    assertSame(stage, call.result());
  }

  @Test
  void asyncCallDoesNotUnwrapAStageThatItsStageCompletesWith() {
    CompletableFuture<String> inner = new CompletableFuture<>();
    Call<CompletableFuture<String>> call =
        Call.ofAsync(() -> CompletableFuture.completedFuture(inner));

    call.run();

    assertTrue(call.isDone());
    assertSame(inner, call.result());
  }

  // ------------------------------------------------------------------ states

  @Test
  void newCallIsPendingNeitherRunningNorDone() {
    Call<String> call = Call.of(() -> "x");

    assertFalse(call.isRunning());
    assertFalse(call.isDone());
    assertFalse(call.isCancelled());
    assertFalse(call.isTimedOut());
    assertFalse(call.toCompletableFuture().isDone());
  }

  @Test
  void callIsRunningWhileItsFunctionRuns() {
    AtomicBoolean runningInside = new AtomicBoolean();
    AtomicBoolean doneInside = new AtomicBoolean(true);
    Call<String> call =
        Call.of(
            () -> {
              Call<?> self = Call.current().orElseThrow();
              runningInside.set(self.isRunning());
              doneInside.set(self.isDone());
              return "x";
            });

    call.run();

    assertTrue(runningInside.get());
    assertFalse(doneInside.get());
    assertFalse(call.isRunning(), "not running once done");
  }

  @Test
  void succeededCallIsDoneNotCancelledNotTimedOut() {
    Call<String> call = Call.of(() -> "x");

    call.run();

    assertTrue(call.isDone());
    assertFalse(call.isRunning());
    assertFalse(call.isCancelled());
    assertFalse(call.isTimedOut());
  }

  @Test
  void failedCallIsDoneNotCancelled() {
    Call<String> call =
        Call.of(
            () -> {
              throw new IllegalStateException("boom");
            });

    call.run();

    assertTrue(call.isDone());
    assertFalse(call.isRunning());
    assertFalse(call.isCancelled());
    assertFalse(call.isTimedOut());
  }

  /**
   * Completion, cancel() and the timeout race for the end of each call; exactly one of them must
   * win, and the call's state, result and done callbacks must all agree on which.
   */
  @Test
  void everyCallEndsExactlyOnceWhenCompletionCancelAndTimeoutRace() throws Exception {
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      for (int i = 0; i < 300; i++) {
        int value = i;
        long spinNanos = ThreadLocalRandom.current().nextLong(2_000_000);
        Call<Integer> call =
            Call.of(
                () -> {
                  long end = System.nanoTime() + spinNanos; // busy for a while
                  while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                  }
                  return value;
                });
        call.setTimeout(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 2_000_000)));
        AtomicInteger doneCallbacks = new AtomicInteger();
        AtomicInteger futureCompletions = new AtomicInteger();
        call.addDoneCallback(c -> doneCallbacks.incrementAndGet());
        call.toCompletableFuture().whenComplete((v, e) -> futureCompletions.incrementAndGet());

        worker.submit(call);
        long cancelAfter = System.nanoTime() + ThreadLocalRandom.current().nextLong(2_000_000);
        while (System.nanoTime() - cancelAfter < 0) {
          Thread.onSpinWait();
        }
        boolean cancelled = call.cancel();
        // The worker runs calls in order: once this one is done, the first call has returned
        // from run(). Its callbacks ran on the worker, in our cancel(), or on the timeout
        // scheduler; only the last may still be going, so wait for them, then count.
        worker.submit(() -> null).result(WAIT);
        CallTestSupport.awaitCondition(() -> doneCallbacks.get() > 0, "done callbacks ran");

        assertTrue(call.isDone());
        assertEquals(1, doneCallbacks.get(), "done callbacks of " + call);
        assertEquals(1, futureCompletions.get());
        if (cancelled) {
          assertTrue(call.isCancelled());
          assertFalse(call.isTimedOut());
          assertThrows(CallCancelledException.class, call::result);
        } else if (call.isCancelled()) {
          assertTrue(call.isTimedOut(), "cancelled, yet not by us: by its timeout");
          assertThrows(CallCancelledException.class, call::result);
        } else {
          assertEquals(value, call.result());
        }
      }
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }

  @Test
  void resultOfADoneCallIsTheSameEveryTime() {
    Object value = new Object();
    Call<Object> call = Call.of(() -> value);
    call.run();

    assertSame(value, call.result());
    assertSame(value, call.result());
  }

  // ------------------------------------------------------------------ failures

  @Test
  void runNeverThrowsWhatTheFunctionThrows() {
    Call<String> call =
        Call.of(
            () -> {
              throw new DeliberateError("boom");
            });

    assertDoesNotThrow(call::run);
  }

  @Test
  void errorThrownByTheFunctionIsCapturedAndDoesNotKillTheThreadThatRanIt() throws Exception {
    DeliberateError error = new DeliberateError("boom");
    Call<String> call =
        Call.of(
            () -> {
              throw error;
            });

    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    assertFalse(runner.interruptedAfterRun(), "run() returned normally");
    runner.join();
    assertNull(runner.uncaught.get(), "nothing reached the thread's uncaught-exception handler");
    assertTrue(call.isDone());
    assertSame(error, assertThrows(DeliberateError.class, call::result));
  }

  @Test
  void errorThrownByAnAsyncFunctionIsCapturedAsWell() {
    DeliberateError error = new DeliberateError("boom");
    Call<String> call =
        Call.ofAsync(
            () -> {
              throw error;
            });

    assertDoesNotThrow(call::run);

    assertSame(error, assertThrows(DeliberateError.class, call::result));
  }

  @Test
  void resultRethrowsRuntimeExceptionAsSameInstance() {
    IllegalStateException failure = new IllegalStateException("boom");
    Call<String> call =
        Call.of(
            () -> {
              throw failure;
            });
    call.run();

    assertSame(failure, assertThrows(IllegalStateException.class, call::result));
    assertSame(failure, assertThrows(IllegalStateException.class, () -> call.result(WAIT)));
  }

  @Test
  void resultRethrowsErrorAsSameInstance() {
    DeliberateError error = new DeliberateError("boom");
    Call<String> call =
        Call.of(
            () -> {
              throw error;
            });
    call.run();

    assertSame(error, assertThrows(DeliberateError.class, call::result));
  }

  @Test
  void resultWrapsCheckedExceptionInCompletionException() {
    IOException failure = new IOException("boom");
    Call<String> call =
        Call.of(
            () -> {
              throw failure;
            });
    call.run();

    CompletionException thrown = assertThrows(CompletionException.class, call::result);
    assertSame(failure, thrown.getCause());
    CompletionException waited = assertThrows(CompletionException.class, () -> call.result(WAIT));
    assertSame(failure, waited.getCause());
  }

  static Stream<Arguments> throwables() {
    return Stream.of(
        Arguments.of(Named.of("a RuntimeException", new IllegalArgumentException("boom"))),
        Arguments.of(Named.of("a checked exception", new IOException("boom"))),
        Arguments.of(Named.of("an Error", new DeliberateError("boom"))));
  }

  @ParameterizedTest
  @MethodSource("throwables")
  void toCompletableFutureCompletesExceptionallyWithTheOriginalThrowable(Throwable failure)
      throws Exception {
    Call<String> call =
        Call.of(
            () -> {
              throw sneaky(failure);
            });
    call.run();

    CompletableFuture<String> future = call.toCompletableFuture();
    assertTrue(future.isCompletedExceptionally());
    assertSame(failure, future.handle((v, e) -> e).get());
    ExecutionException viaGet = assertThrows(ExecutionException.class, future::get);
    assertSame(failure, viaGet.getCause());
  }

  @ParameterizedTest
  @MethodSource("throwables")
  void asyncCallThatFailsHasTheOriginalThrowableInItsFuture(Throwable failure) throws Exception {
    Call<String> call = Call.ofAsync(() -> CompletableFuture.failedFuture(failure));
    call.run();

    assertSame(failure, call.toCompletableFuture().handle((v, e) -> e).get());
  }

  /** Lets a test throw any throwable from a {@code Callable} without wrapping it. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  // ------------------------------------------------------------------ async failures

  @Test
  void asyncStageFailingWithCompletionExceptionFailsTheCallWithItsCause() {
    IllegalStateException cause = new IllegalStateException("boom");
    Call<String> call =
        Call.ofAsync(() -> CompletableFuture.failedFuture(new CompletionException(cause)));

    call.run();

    assertSame(cause, assertThrows(IllegalStateException.class, call::result));
    assertSame(cause, call.toCompletableFuture().handle((v, e) -> e).join());
  }

  @Test
  void asyncStageFailingWithExecutionExceptionFailsTheCallWithItsCause() {
    IllegalStateException cause = new IllegalStateException("boom");
    Call<String> call =
        Call.ofAsync(() -> CompletableFuture.failedFuture(new ExecutionException(cause)));

    call.run();

    assertSame(cause, assertThrows(IllegalStateException.class, call::result));
    assertSame(cause, call.toCompletableFuture().handle((v, e) -> e).join());
  }

  @Test
  void asyncStageFailingWithAWrappedCheckedExceptionFailsTheCallWithThatException() {
    IOException cause = new IOException("boom");
    Call<String> call =
        Call.ofAsync(() -> CompletableFuture.failedFuture(new ExecutionException(cause)));

    call.run();

    CompletionException thrown = assertThrows(CompletionException.class, call::result);
    assertSame(cause, thrown.getCause(), "wrapped once, as for a sync function");
    assertSame(cause, call.toCompletableFuture().handle((v, e) -> e).join());
  }

  @Test
  void asyncStageOfADependentActionThatThrowsFailsTheCallWithWhatTheActionThrew() {
    IllegalArgumentException failure = new IllegalArgumentException("boom");
    CompletableFuture<String> source = new CompletableFuture<>();
    // A dependent stage whose action throws completes with a CompletionException around it.
    Call<String> call =
        Call.ofAsync(
            () ->
                source.thenApply(
                    v -> {
                      throw failure;
                    }));
    call.run();

    source.complete("go");

    assertSame(failure, assertThrows(IllegalArgumentException.class, call::result));
  }

  @Test
  void asyncFunctionThrowingBeforeReturningAStageFailsTheCallWithThatException() {
    IllegalStateException failure = new IllegalStateException("boom");
    Call<String> call =
        Call.ofAsync(
            () -> {
              throw failure;
            });

    call.run();

    assertSame(failure, assertThrows(IllegalStateException.class, call::result));
  }

  @Test
  void asyncFunctionReturningNullFailsTheCallWithNullPointerExceptionSayingSo() {
    Call<String> call = Call.ofAsync(() -> null);

    call.run();

    assertTrue(call.isDone());
    NullPointerException npe = assertThrows(NullPointerException.class, call::result);
    assertNotNull(npe.getMessage(), "the exception says what went wrong");
    assertTrue(npe.getMessage().contains("null"), npe.getMessage());
  }

  // ------------------------------------------------------------------ the stage run() returns

  static Stream<Arguments> finishedCalls() {
    return Stream.of(
        Arguments.of(Named.of("succeeded", (Supplier<Call<?>>) () -> Call.of(() -> "x"))),
        Arguments.of(
            Named.of(
                "failed with a RuntimeException",
                (Supplier<Call<?>>)
                    () ->
                        Call.of(
                            () -> {
                              throw new IllegalStateException("boom");
                            }))),
        Arguments.of(
            Named.of(
                "failed with a checked exception",
                (Supplier<Call<?>>)
                    () ->
                        Call.of(
                            () -> {
                              throw new IOException("boom");
                            }))),
        Arguments.of(
            Named.of(
                "failed with an Error",
                (Supplier<Call<?>>)
                    () ->
                        Call.of(
                            () -> {
                              throw new DeliberateError("boom");
                            }))),
        Arguments.of(
            Named.of(
                "cancelled before it started",
                (Supplier<Call<?>>)
                    () -> {
                      Call<String> call = Call.of(() -> "x");
                      call.cancel();
                      return call;
                    })),
        Arguments.of(
            Named.of(
                "timed out",
                (Supplier<Call<?>>) () -> Call.of(() -> "x").setTimeout(Duration.ZERO))),
        Arguments.of(
            Named.of(
                "async, failed",
                (Supplier<Call<?>>)
                    () ->
                        Call.ofAsync(
                            () -> CompletableFuture.failedFuture(new IOException("boom"))))),
        Arguments.of(
            Named.of("async, returned null", (Supplier<Call<?>>) () -> Call.ofAsync(() -> null))));
  }

  @ParameterizedTest
  @MethodSource("finishedCalls")
  void runStageCompletesNormallyWhateverTheOutcome(Supplier<Call<?>> calls) throws Exception {
    Call<?> call = calls.get();

    CompletionStage<Void> ran = call.run();

    assertNull(ran.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(call.isDone());
  }

  @Test
  void runStageOfAnAsyncCallCompletesNormallyOnlyOnceItsStageFailed() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);

    CompletableFuture<Void> ran = call.run().toCompletableFuture();

    assertFalse(ran.isDone());
    stage.completeExceptionally(new IOException("boom"));
    assertNull(ran.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertInstanceOf(CompletionException.class, assertThrows(RuntimeException.class, call::result));
  }

  @Test
  void runStageCompletesNormallyWhenTheCallIsCancelledWhileRunning() throws Exception {
    Call<String> call = Call.ofAsync(CompletableFuture::new);
    CompletableFuture<Void> ran = call.run().toCompletableFuture();

    assertTrue(call.cancel());

    assertNull(ran.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }
}

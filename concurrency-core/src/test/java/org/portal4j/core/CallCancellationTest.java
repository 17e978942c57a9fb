package org.portal4j.core;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.test.CheckThreadLeaks;

/** Cancelling calls (the Future rule) and the cancel and done callbacks. */
@CheckThreadLeaks
@Timeout(30)
class CallCancellationTest {

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** A log event carrying {@code failure} as its throwable. */
  private static Predicate<ILoggingEvent> logs(Throwable failure) {
    return e ->
        e.getThrowableProxy() != null
            && failure.getMessage().equals(e.getThrowableProxy().getMessage())
            && (e.getLevel() == Level.WARN || e.getLevel() == Level.ERROR);
  }

  // ------------------------------------------------------------------ before the call starts

  @Test
  void cancelBeforeRunMeansTheFunctionNeverRuns() {
    AtomicBoolean ran = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              ran.set(true);
              return "x";
            });

    assertTrue(call.cancel());
    call.run();

    assertFalse(ran.get());
    assertTrue(call.isDone());
    assertTrue(call.isCancelled());
  }

  @Test
  void cancelBeforeRunMeansTheAsyncFunctionNeverRuns() {
    AtomicBoolean ran = new AtomicBoolean();
    Call<String> call =
        Call.ofAsync(
            () -> {
              ran.set(true);
              return CompletableFuture.completedFuture("x");
            });

    assertTrue(call.cancel());
    call.run();

    assertFalse(ran.get());
    assertTrue(call.isCancelled());
  }

  @Test
  void resultOfACancelledCallThrowsCallCancelledExceptionNotATimeout() {
    Call<String> call = Call.of(() -> "x");
    call.cancel();

    CallCancelledException thrown = assertThrows(CallCancelledException.class, call::result);

    assertFalse(thrown instanceof CallTimeoutException);
    assertFalse(call.isTimedOut());
    assertThrows(CallCancelledException.class, () -> call.result(WAIT));
  }

  @Test
  void cancelledCallsFutureIsCancelledWithCallCancelledException() {
    Call<String> call = Call.of(() -> "x");
    call.cancel();

    CompletableFuture<String> future = call.toCompletableFuture();

    assertTrue(future.isCancelled());
    assertTrue(future.handle((v, e) -> e).join() instanceof CallCancelledException);
  }

  // ------------------------------------------------------------------ while it runs

  @Test
  void cancelWhileRunningInterruptsTheSyncBody() throws Exception {
    CountDownLatch started = support.latch();
    CountDownLatch sawInterrupt = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              try {
                new CountDownLatch(1).await();
                return "not interrupted";
              } catch (InterruptedException e) {
                sawInterrupt.countDown();
                throw e;
              }
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertTrue(call.cancel());

    await(sawInterrupt, "body interrupted");
    runner.join();
    assertTrue(call.isCancelled());
  }

  @Test
  void cancelWhileRunningCancelsTheAsyncStage() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);
    call.run();

    assertTrue(call.cancel());

    assertTrue(stage.isCancelled());
    assertTrue(call.isCancelled());
  }

  @Test
  void cancelDuringTheSyncPartOfAnAsyncCallCancelsTheStageItReturnsAfterwards() throws Exception {
    CountDownLatch started = support.latch();
    CountDownLatch release = support.latch();
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call =
        Call.ofAsync(
            () -> {
              started.countDown();
              CallTestSupport.awaitIgnoringInterrupts(release);
              return stage;
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "sync part started");

    assertTrue(call.cancel());
    release.countDown();
    runner.join();

    assertTrue(stage.isCancelled(), "the stage returned after the cancel was cancelled too");
    assertTrue(call.isCancelled());
  }

  @Test
  void onceCancelReturnsTrueTheCallIsCancelledAndDoneAndResultThrowsAtOnce() throws Exception {
    CountDownLatch started = support.latch();
    CountDownLatch release = support.latch();
    AtomicBoolean bodyInterrupted = new AtomicBoolean();
    AtomicBoolean bodyReturned = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              bodyInterrupted.set(CallTestSupport.awaitIgnoringInterrupts(release));
              bodyReturned.set(true);
              return "late";
            });
    AtomicInteger doneCallbacks = new AtomicInteger();
    call.addDoneCallback(c -> doneCallbacks.incrementAndGet());
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertTrue(call.cancel());

    // The body is still running (it ignores its interrupt and waits for release).
    assertTrue(call.isCancelled());
    assertTrue(call.isDone());
    assertFalse(call.isRunning());
    assertThrows(CallCancelledException.class, call::result);
    assertTrue(call.toCompletableFuture().isCancelled());
    assertEquals(1, doneCallbacks.get(), "done callbacks ran within cancel()");
    assertFalse(bodyReturned.get());

    release.countDown();
    runner.join();

    assertTrue(bodyReturned.get());
    assertTrue(bodyInterrupted.get(), "the body was interrupted");
    assertTrue(call.isCancelled(), "what the body produced later is discarded");
    assertThrows(CallCancelledException.class, call::result);
    assertEquals(1, doneCallbacks.get());
  }

  @Test
  void failureTheSyncBodyThrowsAfterTheCancelIsDiscarded() throws Exception {
    CountDownLatch started = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              new CountDownLatch(1).await();
              return "never";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertTrue(call.cancel());
    runner.join(); // the body ended by throwing InterruptedException

    assertTrue(call.isCancelled());
    assertThrows(CallCancelledException.class, call::result);
  }

  @Test
  void valueTheAsyncStageProducesAfterTheCancelIsDiscarded() {
    CompletableFuture<String> source = new CompletableFuture<>();
    // A minimal stage's toCompletableFuture() is a copy: cancelling it cannot stop the source.
    CompletionStage<String> stage = source.minimalCompletionStage();
    Call<String> call = Call.ofAsync(() -> stage);
    AtomicInteger doneCallbacks = new AtomicInteger();
    call.addDoneCallback(c -> doneCallbacks.incrementAndGet());
    call.run();

    assertTrue(call.cancel());
    source.complete("late");

    assertTrue(call.isCancelled());
    assertThrows(CallCancelledException.class, call::result);
    assertEquals(1, doneCallbacks.get());
  }

  @Test
  void cancellingTheCompletableFutureViewCancelsTheCall() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);
    call.run();

    assertTrue(call.toCompletableFuture().cancel(true));

    assertTrue(call.isCancelled());
    assertTrue(stage.isCancelled());
  }

  // ------------------------------------------------------------------ cancel() on a done call

  @Test
  void cancelReturnsFalseOnASucceededCall() {
    Call<String> call = Call.of(() -> "x");
    call.run();

    assertFalse(call.cancel());

    assertFalse(call.isCancelled());
    assertEquals("x", call.result());
  }

  @Test
  void cancelReturnsFalseOnAFailedCall() {
    IllegalStateException failure = new IllegalStateException("boom");
    Call<String> call =
        Call.of(
            () -> {
              throw failure;
            });
    call.run();

    assertFalse(call.cancel());

    assertFalse(call.isCancelled());
    assertSame(failure, assertThrows(IllegalStateException.class, call::result));
  }

  @Test
  void cancelReturnsFalseOnACallAlreadyCancelledOrTimedOut() {
    Call<String> cancelled = Call.of(() -> "x");
    assertTrue(cancelled.cancel());
    Call<String> timedOut = Call.of(() -> "x").setTimeout(Duration.ZERO);
    timedOut.run();

    assertFalse(cancelled.cancel());
    assertFalse(timedOut.cancel());

    assertFalse(cancelled.isTimedOut());
    assertTrue(timedOut.isTimedOut(), "a later cancel() does not change how the call ended");
  }

  // ------------------------------------------------------------------ callbacks

  @Test
  void cancelCallbacksRunOnTheCancellingThreadBeforeTheCallIsMarkedCancelled() {
    Call<String> call = Call.ofAsync(CompletableFuture::new);
    AtomicReference<Boolean> cancelledInside = new AtomicReference<>();
    AtomicReference<Boolean> doneInside = new AtomicReference<>();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    call.addCancelCallback(
        () -> {
          cancelledInside.set(call.isCancelled());
          doneInside.set(call.isDone());
          ranOn.set(Thread.currentThread());
        });
    call.run();

    assertTrue(call.cancel());

    assertEquals(false, cancelledInside.get());
    assertEquals(false, doneInside.get());
    assertSame(Thread.currentThread(), ranOn.get());
  }

  @Test
  void cancelCallbacksRunBeforeTheSyncBodyIsInterrupted() throws Exception {
    CountDownLatch started = support.latch();
    AtomicBoolean bodyInterruptedDuringCallback = new AtomicBoolean(true);
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              new CountDownLatch(1).await();
              return "never";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    call.addCancelCallback(() -> bodyInterruptedDuringCallback.set(runner.thread.isInterrupted()));
    await(started, "body started");

    assertTrue(call.cancel());

    assertFalse(bodyInterruptedDuringCallback.get());
    runner.join();
  }

  @Test
  void doneCallbacksRunOnceAfterTheCallIsMarkedCancelled() {
    Call<String> call = Call.ofAsync(CompletableFuture::new);
    List<String> events = new CopyOnWriteArrayList<>();
    call.addCancelCallback(() -> events.add("cancel callback"));
    call.addDoneCallback(
        c -> {
          assertSame(call, c);
          events.add("done callback: cancelled=" + c.isCancelled() + " done=" + c.isDone());
        });
    call.run();

    call.cancel();
    call.cancel();

    assertEquals(List.of("cancel callback", "done callback: cancelled=true done=true"), events);
  }

  @Test
  void doneCallbacksRunOnceOnTheCompletingThreadAfterASuccess() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);
    List<String> results = new CopyOnWriteArrayList<>();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    call.addDoneCallback(
        c -> {
          results.add(c.result()); // already done: does not block
          ranOn.set(Thread.currentThread());
        });
    call.run();

    Thread completer = support.startThread("stage-completer", () -> stage.complete("x"));
    CallTestSupport.join(completer);

    assertEquals(List.of("x"), results);
    assertSame(completer, ranOn.get());
  }

  @Test
  void doneCallbacksRunOnceAfterAFailure() {
    IllegalStateException failure = new IllegalStateException("boom");
    Call<String> call =
        Call.of(
            () -> {
              throw failure;
            });
    AtomicInteger runs = new AtomicInteger();
    AtomicBoolean sawDone = new AtomicBoolean();
    call.addDoneCallback(
        c -> {
          runs.incrementAndGet();
          sawDone.set(c.isDone());
        });

    call.run();
    call.cancel();

    assertEquals(1, runs.get());
    assertTrue(sawDone.get());
  }

  @Test
  void doneCallbacksRunInTheOrderTheyWereAdded() {
    // From one (run as it is) to several (put in order first): the call ending treats them apart.
    for (int count = 1; count <= 5; count++) {
      Call<String> call = Call.of(() -> "x");
      List<Integer> order = new CopyOnWriteArrayList<>();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        call.addDoneCallback(c -> order.add(n));
        expected.add(n);
      }

      call.run();

      assertEquals(expected, order, count + " done callbacks");
    }
  }

  @Test
  void throwingCancelCallbackIsLoggedAndTheOthersStillRun() throws Exception {
    IllegalStateException failure = new IllegalStateException("cancel callback failure 1");
    Call<String> call = Call.ofAsync(CompletableFuture::new);
    AtomicInteger others = new AtomicInteger();
    call.addCancelCallback(others::incrementAndGet);
    call.addCancelCallback(
        () -> {
          throw failure;
        });
    call.addCancelCallback(others::incrementAndGet);
    AtomicInteger doneCallbacks = new AtomicInteger();
    call.addDoneCallback(c -> doneCallbacks.incrementAndGet());
    call.run();

    try (LogCapture logs = LogCapture.start()) {
      assertTrue(call.cancel());

      assertEquals(2, others.get());
      assertEquals(1, doneCallbacks.get());
      assertTrue(call.isCancelled());
      logs.await(logs(failure), WAIT);
    }
  }

  @Test
  void throwingDoneCallbackIsLoggedAndTheOthersStillRun() throws Exception {
    CallResultTest.DeliberateError failure =
        new CallResultTest.DeliberateError("done callback failure 2");
    Call<String> call = Call.of(() -> "x");
    AtomicInteger others = new AtomicInteger();
    call.addDoneCallback(c -> others.incrementAndGet());
    call.addDoneCallback(
        c -> {
          throw failure;
        });
    call.addDoneCallback(c -> others.incrementAndGet());

    try (LogCapture logs = LogCapture.start()) {
      CallTestSupport.RunThread runner = support.runOnNewThread(call);
      runner.join();

      assertEquals(2, others.get());
      assertEquals("x", call.result());
      assertTrue(runner.uncaught.get() == null, "the callback's error did not reach the thread");
      logs.await(logs(failure), WAIT);
    }
  }

  @Test
  void doneCallbackAddedAfterTheCallIsDoneRunsAtOnceOnTheAddingThread() {
    Call<String> call = Call.of(() -> "x");
    call.run();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Object> sawResult = new AtomicReference<>();

    call.addDoneCallback(
        c -> {
          ranOn.set(Thread.currentThread());
          sawResult.set(c.result());
        });

    assertSame(Thread.currentThread(), ranOn.get(), "ran before addDoneCallback returned");
    assertEquals("x", sawResult.get());
  }

  @Test
  void doneCallbackAddedAfterACancelRunsAtOnceOnTheAddingThread() {
    Call<String> call = Call.of(() -> "x");
    call.cancel();
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    call.addDoneCallback(c -> ranOn.set(Thread.currentThread()));

    assertSame(Thread.currentThread(), ranOn.get());
  }

  /**
   * The completing thread may still be busy (here: in a dependent action of the call's future)
   * after the call reads done. A done callback added then must still run at once on the adding
   * thread, not later on the completing one.
   */
  @Test
  void doneCallbackAddedOnceTheCallReadsDoneRunsAtOnceEvenWhileTheCompleterIsStillBusy()
      throws Exception {
    CountDownLatch completerBusy = support.latch();
    CountDownLatch releaseCompleter = support.latch();
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);
    call.toCompletableFuture()
        .whenComplete(
            (v, e) -> {
              completerBusy.countDown();
              CallTestSupport.awaitIgnoringInterrupts(releaseCompleter);
            });
    call.run();
    Thread completer = support.startThread("stage-completer", () -> stage.complete("x"));
    await(completerBusy, "completer busy in a dependent of the call's future");
    assertTrue(call.isDone());
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    try {
      call.addDoneCallback(c -> ranOn.set(Thread.currentThread()));

      assertSame(Thread.currentThread(), ranOn.get(), "ran before addDoneCallback returned");
    } finally {
      releaseCompleter.countDown();
      CallTestSupport.join(completer);
    }
  }

  @Test
  void lateDoneCallbackThatThrowsIsLoggedAndSwallowed() throws Exception {
    IllegalStateException failure = new IllegalStateException("late done callback failure 3");
    Call<String> call = Call.of(() -> "x");
    call.run();

    try (LogCapture logs = LogCapture.start()) {
      call.addDoneCallback(
          c -> {
            throw failure;
          });

      logs.await(logs(failure), WAIT);
    }
    assertEquals("x", call.result());
  }

  @Test
  void cancelCallbackAddedAfterTheCallSucceededNeverRuns() {
    Call<String> call = Call.of(() -> "x");
    call.run();
    AtomicInteger runs = new AtomicInteger();

    call.addCancelCallback(runs::incrementAndGet);
    call.cancel();

    assertEquals(0, runs.get());
  }

  @Test
  void cancelCallbackAddedAfterTheCallWasCancelledNeverRuns() {
    Call<String> call = Call.of(() -> "x");
    call.cancel();
    AtomicInteger runs = new AtomicInteger();

    call.addCancelCallback(runs::incrementAndGet);
    call.cancel();

    assertEquals(0, runs.get());
  }

  @Test
  void cancelCallbacksDoNotRunWhenTheCallSucceeds() {
    Call<String> call = Call.of(() -> "x");
    AtomicInteger runs = new AtomicInteger();
    call.addCancelCallback(runs::incrementAndGet);

    call.run();

    assertEquals(0, runs.get());
  }

  @Test
  void cancelCallbacksAndDoneCallbacksRunWhenTheCallTimesOut() throws Exception {
    Call<String> call = Call.ofAsync(CompletableFuture::new);
    call.setTimeout(Duration.ofMillis(50));
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    call.addCancelCallback(() -> events.add("cancel callback: cancelled=" + call.isCancelled()));
    call.addDoneCallback(
        c -> {
          events.add("done callback: timedOut=" + c.isTimedOut());
          done.countDown();
        });

    call.run();
    await(done, "done callback");

    assertEquals(
        List.of("cancel callback: cancelled=false", "done callback: timedOut=true"), events);
    assertTrue(call.toCompletableFuture().isDone());
    assertThrows(CallTimeoutException.class, call::result);
    assertTrue(call.toCompletableFuture().isCancelled());
  }

  @Test
  void theFutureViewThrowsTheCallsOwnCancellationFromGetJoinAndGetNowOnEveryJdk() {
    Call<String> cancelled = Call.of(() -> "never");
    cancelled.cancel();
    CallCancelledException own = assertThrows(CallCancelledException.class, cancelled::result);
    CompletableFuture<String> view = cancelled.toCompletableFuture();
    assertSame(own, assertThrows(CallCancelledException.class, view::get));
    assertSame(own, assertThrows(CallCancelledException.class, view::join));
    assertSame(own, assertThrows(CallCancelledException.class, () -> view.get(1, SECONDS)));
    assertSame(own, assertThrows(CallCancelledException.class, () -> view.getNow("absent")));

    Call<String> timedOut = Call.<String>of(() -> "never").setTimeout(Duration.ZERO);
    timedOut.run();
    CallTimeoutException expired = assertThrows(CallTimeoutException.class, timedOut::result);
    assertSame(
        expired, assertThrows(CallTimeoutException.class, timedOut.toCompletableFuture()::join));
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallTimeoutException;

/**
 * Far deadlines (DESIGN.md, timeouts; issue 12: no per-call timer where the deadline is far): a
 * call whose timeout is {@link FarDeadlines#FAR_NANOS} or more gets no timer of its own unless its
 * deadline comes near, still times out on time, never early, and is forgotten soon after it ends.
 */
@Timeout(60)
class FarDeadlinesTest {

  private static final Duration FAR = Duration.ofNanos(FarDeadlines.FAR_NANOS);

  private static int timersQueued() throws Exception {
    return TimeoutScheduler.callOnTimerThread(TimeoutScheduler::queuedForTest);
  }

  @Test
  void aFarDeadlineFiresOnTimeAndNeverEarly() throws Exception {
    Duration timeout = FAR.plusMillis(250);
    Call<String> call = Call.of("sleeps-past-its-deadline", () -> blockUntilInterrupted());
    call.setTimeout(timeout);
    long start = System.nanoTime();
    CallTestSupport.RunThread runner = new CallTestSupport.RunThread(call, "far-deadline-runner");
    runner.thread.start();
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long elapsed = System.nanoTime() - start;
    assertTrue(call.isTimedOut());
    assertTrue(
        elapsed >= timeout.toNanos(),
        "timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, before its deadline");
    runner.join();
  }

  @Test
  void runningCallsWithFarDeadlinesHoldNoTimerEach() throws Exception {
    int calls = 50;
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> runners = new ArrayList<>();
    List<Call<String>> running = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(calls);
    for (int i = 0; i < calls; i++) {
      Call<String> call =
          Call.of(
              "waits-" + i,
              () -> {
                started.countDown();
                release.await();
                return "released";
              });
      call.setTimeout(Duration.ofMinutes(10));
      running.add(call);
      Thread runner = new Thread(call::run, "far-" + i);
      runners.add(runner);
    }
    int before = timersQueued();
    runners.forEach(Thread::start);
    try {
      CallTestSupport.await(started, "every call running");
      int added = timersQueued() - before;
      // at most the far-deadline sweep, and the tick of the clock that times calls (CoarseClock)
      assertTrue(added <= 2, calls + " calls with a 10 min timeout added " + added + " timers");
    } finally {
      release.countDown();
    }
    for (Thread runner : runners) {
      CallTestSupport.join(runner);
    }
    for (Call<String> call : running) {
      assertEquals("released", call.result(WAIT));
    }
  }

  @Test
  void syncCallsWithFarDeadlinesAreWatchedOnTheirThreadsWithoutANodeEach() throws Exception {
    int calls = 20;
    CountDownLatch started = new CountDownLatch(calls);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> runners = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      Call<String> call =
          Call.of(
              "on-its-thread-" + i,
              () -> {
                started.countDown();
                release.await();
                return "released";
              });
      call.setTimeout(Duration.ofMinutes(10));
      Thread runner = new Thread(call::run, "on-thread-" + i);
      runners.add(runner);
      runner.start();
    }
    try {
      CallTestSupport.await(started, "every call running");
      // Other tests' nodes may be left for a tick, and leave meanwhile: none may come.
      int nodesBefore = FarDeadlines.nodesForTest();
      assertTrue(FarDeadlines.watchedForTest() >= calls, "calls watched");
      assertTrue(
          FarDeadlines.nodesForTest() <= nodesBefore,
          "nodes pushed for calls that run on their threads");
    } finally {
      release.countDown();
    }
    for (Thread runner : runners) {
      CallTestSupport.join(runner);
    }
  }

  @Test
  void aFarDeadlineOfACallThatANestedCallCoversUpOnItsThreadStillFiresOnTime() throws Exception {
    Duration timeout = FAR.plusMillis(250);
    Call<String> outer =
        Call.of(
            "outer",
            () -> {
              Call<String> inner = Call.of("inner", () -> blockUntilInterrupted());
              inner.run(); // the thread now shows the inner call, which has no deadline
              return inner.result();
            });
    outer.setTimeout(timeout);
    long start = System.nanoTime();
    CallTestSupport.RunThread runner = new CallTestSupport.RunThread(outer, "covered-up-runner");
    runner.thread.start();
    assertThrows(CallTimeoutException.class, () -> outer.result(WAIT));
    long elapsed = System.nanoTime() - start;
    assertTrue(outer.isTimedOut());
    assertTrue(
        elapsed >= timeout.toNanos(),
        "timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, before its deadline");
    runner.join();
  }

  @Test
  void aFarDeadlineOfAnAsyncCallThatLeftItsThreadStillFiresOnTime() {
    Duration timeout = FAR.plusMillis(250);
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call = Call.ofAsync("in-flight", () -> never);
    call.setTimeout(timeout);
    long start = System.nanoTime();
    call.run(); // returns with the stage pending: no thread shows the call any more
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long elapsed = System.nanoTime() - start;
    assertTrue(call.isTimedOut());
    assertTrue(never.isCancelled(), "the stage of the timed-out call was not cancelled");
    assertTrue(
        elapsed >= timeout.toNanos(),
        "timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, before its deadline");
  }

  @Test
  void oneFarDeadlineCoversAnAsyncCallsSyncPartAndItsStage() {
    // DESIGN: one deadline covers the sync part and the async part together. The sync part is
    // watched on its thread, the stage by a node: the move must keep the deadline, not restart it.
    Duration timeout = FAR.plusMillis(250);
    Duration syncPart = Duration.ofSeconds(1);
    Call<String> call =
        Call.ofAsync(
            "slow-sync-part",
            () -> {
              Thread.sleep(syncPart.toMillis());
              return new CompletableFuture<String>();
            });
    call.setTimeout(timeout);
    long start = System.nanoTime();
    call.run();
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long elapsed = System.nanoTime() - start;
    assertTrue(
        elapsed >= timeout.toNanos(),
        "timed out after " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms, before its deadline");
    assertTrue(
        elapsed < timeout.plus(syncPart).toNanos() - TimeUnit.MILLISECONDS.toNanos(250),
        "timed out after "
            + TimeUnit.NANOSECONDS.toMillis(elapsed)
            + " ms: the deadline restarted when the call left its thread");
  }

  @Test
  void callsThatEndLongBeforeTheirDeadlineAreForgottenWithinTicks() {
    for (int i = 0; i < 10_000; i++) {
      Call<Integer> call = Call.of("quick", () -> 1);
      call.setTimeout(Duration.ofHours(1));
      call.run();
      Call<Integer> async = Call.ofAsync("quick-async", () -> new CompletableFuture<>());
      async.setTimeout(Duration.ofHours(1));
      async.run(); // leaves its thread with its stage pending: a node watches it
      async.cancel();
    }
    CallTestSupport.awaitCondition(
        () -> {
          try {
            return FarDeadlines.watchedForTest() == 0;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        },
        "the ended calls forgotten by the sweep");
  }

  @Test
  void anEndedCallWithAFarDeadlineIsNotKeptAliveUntilIt() {
    Call<byte[]> call = Call.of("big", () -> new byte[1 << 20]);
    call.setTimeout(Duration.ofDays(1));
    call.run();
    WeakReference<Call<byte[]>> ref = new WeakReference<>(call);
    call = null;
    CallTestSupport.assertCollected(ref, "a call that ended with a 1-day timeout");
  }

  @Test
  void aCallCancelledBeforeItsFarDeadlineNeverTimesOut() throws Exception {
    Call<String> call = Call.of("cancelled", () -> blockUntilInterrupted());
    call.setTimeout(FAR);
    CallTestSupport.RunThread runner = new CallTestSupport.RunThread(call, "far-cancelled");
    runner.thread.start();
    CallTestSupport.awaitCondition(call::isRunning, "the call running");
    assertTrue(call.cancel());
    runner.join();
    assertTrue(call.isCancelled());
    assertTrue(!call.isTimedOut(), "a cancelled call was later marked timed out");
  }

  @Test
  void aDeadlineCenturiesAwayIsKeptNotFiredThoughItsClockSumOverflows() {
    FarDeadlines deadlines =
        new FarDeadlines(sweep -> {}, visitor -> {}); // sweeps run here, by hand
    CapturedCall<String> call = CapturedCall.sync("centuries", () -> "x");
    long nanos = Long.MAX_VALUE - 1; // about 292 years, the longest timeout: now + nanos overflows
    deadlines.add(call, System.nanoTime() + nanos);
    deadlines.sweep();
    deadlines.sweep();
    assertTrue(deadlines.watches(call), "the call was dropped");
    assertTrue(!call.isDone(), "a deadline 292 years away fired: " + call);
    call.cancel();
    deadlines.sweep();
    assertEquals(0, deadlines.watched(), "an ended call is still watched");
  }

  @Test
  void aDeadlineCenturiesAwayWatchedOnItsThreadIsKeptNotFiredThoughItsClockSumOverflows() {
    CapturedCall<String> call = CapturedCall.sync("centuries-on-its-thread", () -> "x");
    FarDeadlines deadlines = new FarDeadlines(sweep -> {}, visitor -> visitor.accept(call));
    long nanos = Long.MAX_VALUE - 1; // about 292 years, the longest timeout: now + nanos overflows
    call.watchOnThread(System.nanoTime() + nanos);
    deadlines.shownOnThread();
    deadlines.sweep();
    deadlines.sweep();
    assertTrue(deadlines.watches(call), "the call is no longer watched on its thread");
    assertTrue(!call.isDone(), "a deadline 292 years away fired: " + call);
    call.cancel();
    deadlines.sweep();
    assertEquals(0, deadlines.watched(), "an ended call is still watched");
  }

  @Test
  void aCallThatEndsIsForgottenAtOnceNotKeptAliveUntilTheNextSweep() {
    FarDeadlines deadlines =
        new FarDeadlines(sweep -> {}, visitor -> {}); // no sweep runs unless asked
    CapturedCall<String> call = CapturedCall.sync("short", () -> "x");
    deadlines.add(call, System.nanoTime() + FarDeadlines.FAR_NANOS);
    assertTrue(deadlines.watches(call));
    assertTrue(call.cancel());
    assertTrue(
        !deadlines.watches(call),
        "the sweep's node still holds an ended call, keeping it from the collector");
    deadlines.sweep();
    assertEquals(0, deadlines.watched());
  }

  @Test
  void aCallThatTimedOutIsNotKeptAliveByTheNodeOfALaterCallWithAFarDeadline() {
    FarDeadlines deadlines = new FarDeadlines(sweep -> {}, visitor -> {}); // sweeps by hand
    long now = System.nanoTime();
    CapturedCall<String> soon = CapturedCall.sync("soon", () -> "x");
    deadlines.add(soon, now + TimeUnit.MILLISECONDS.toNanos(50)); // the sweep gives it a timer
    CapturedCall<String> far = CapturedCall.sync("far", () -> "x");
    deadlines.add(far, now + TimeUnit.HOURS.toNanos(1)); // pushed after: its node's next is soon's
    deadlines.sweep();
    assertTrue(soon.expire());
    WeakReference<CapturedCall<String>> ref = new WeakReference<>(soon);
    soon = null;
    CallTestSupport.assertCollected(ref, "a timed-out call behind a far deadline still watched");
    assertTrue(deadlines.watches(far));
    far.cancel();
  }

  @Test
  void aSchedulerThatThrowsOnceDoesNotStopTheSweepsForGood() {
    List<Runnable> scheduled = new ArrayList<>();
    boolean[] refuse = {true};
    FarDeadlines deadlines =
        new FarDeadlines(
            sweep -> {
              if (refuse[0]) {
                refuse[0] = false;
                throw new OutOfMemoryError("no sweep this time");
              }
              scheduled.add(sweep);
            },
            visitor -> {});
    CapturedCall<String> first = CapturedCall.sync("first", () -> "x");
    assertThrows(
        OutOfMemoryError.class,
        () -> deadlines.add(first, System.nanoTime() + FarDeadlines.FAR_NANOS));
    CapturedCall<String> second = CapturedCall.sync("second", () -> "y");
    deadlines.add(second, System.nanoTime() + FarDeadlines.FAR_NANOS);
    assertEquals(1, scheduled.size(), "no sweep scheduled after the scheduler threw once");
    first.cancel();
    second.cancel();
  }

  private static String blockUntilInterrupted() throws InterruptedException {
    new CountDownLatch(1).await();
    return "never";
  }

  // A sync call does not read nanoTime for its far deadline as it starts: its mark holds the
  // clock's reading after the start, and the first sweep that finds it works the deadline out from
  // a time no earlier than the start (FarDeadlines.OnThread).

  private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);

  private static long stampedDeadline(CapturedCall<?> call) {
    FarDeadlines.OnThread mark = call.farDeadlineMark();
    assertTrue(mark != null && mark.isStamped(), "the sweep left the deadline unknown: " + mark);
    return mark.deadline();
  }

  @Test
  void aSweepCountsAnUnknownDeadlineFromTheClocksBoundWhenItIsEarlierThanNow() {
    CapturedCall<String> call = CapturedCall.sync("bounded-by-the-clock", () -> "x");
    long reading = System.nanoTime() - TimeUnit.SECONDS.toNanos(10);
    long bound = reading + TimeUnit.MILLISECONDS.toNanos(20); // two ticks after, long before now
    FarDeadlines deadlines =
        new FarDeadlines(sweep -> {}, visitor -> visitor.accept(call), r -> r + (bound - reading));
    call.watchOnThread(FarDeadlines.OnThread.since(reading, AN_HOUR));
    deadlines.sweep();
    assertEquals(bound + AN_HOUR, stampedDeadline(call));
    call.cancel();
  }

  @Test
  void aSweepCountsAnUnknownDeadlineFromItsOwnNowWhenTheClockKnowsNoBound() {
    CapturedCall<String> call = CapturedCall.sync("no-bound-known", () -> "x");
    FarDeadlines deadlines =
        new FarDeadlines(sweep -> {}, visitor -> visitor.accept(call), r -> Long.MAX_VALUE);
    call.watchOnThread(FarDeadlines.OnThread.since(System.nanoTime(), AN_HOUR));
    long before = System.nanoTime();
    deadlines.sweep();
    long after = System.nanoTime();
    long deadline = stampedDeadline(call);
    assertTrue(deadline - (before + AN_HOUR) >= 0, "earlier than the sweep's now");
    assertTrue(deadline - (after + AN_HOUR) <= 0, "later than the sweep's now");
    call.cancel();
  }

  @Test
  void aSweepCountsAnUnknownDeadlineFromItsOwnNowWhenTheClocksBoundIsLater() {
    CapturedCall<String> call = CapturedCall.sync("bound-later-than-now", () -> "x");
    FarDeadlines deadlines =
        new FarDeadlines(sweep -> {}, visitor -> visitor.accept(call), r -> r + AN_HOUR);
    call.watchOnThread(FarDeadlines.OnThread.since(System.nanoTime(), AN_HOUR));
    deadlines.sweep();
    long after = System.nanoTime();
    assertTrue(stampedDeadline(call) - (after + AN_HOUR) <= 0, "counted from the later bound");
    call.cancel();
  }

  @Test
  void aCallLeavingItsThreadBeforeAnySweepCountsItsDeadlineFromNowNotFromItsReading() {
    long ancient = System.nanoTime() - TimeUnit.DAYS.toNanos(1); // a reading the clock lagged on
    long before = System.nanoTime();
    long deadline = FarDeadlines.OnThread.since(ancient, AN_HOUR).deadlineNow();
    assertTrue(deadline - (before + AN_HOUR) >= 0, "counted from the reading: it could be early");
  }

  @Test
  void aSyncCallStartsWithItsFarDeadlineUnknownAndASweepWorksItOut() throws Exception {
    // The timer thread is held while the call starts, so that no sweep works the deadline out
    // before the body looks.
    CountDownLatch timerHeld = new CountDownLatch(1);
    CountDownLatch releaseTimer = new CountDownLatch(1);
    TimeoutScheduler.schedule(
        () -> {
          timerHeld.countDown();
          try {
            releaseTimer.await(60, TimeUnit.SECONDS); // bounded: a failing test frees it too
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        0);
    CallTestSupport.await(timerHeld, "the timer thread held");
    CountDownLatch looked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FarDeadlines.OnThread[] atStart = new FarDeadlines.OnThread[1];
    List<CapturedCall<String>> self = new ArrayList<>();
    CapturedCall<String> call =
        CapturedCall.sync(
            "deadline-worked-out",
            () -> {
              atStart[0] = self.get(0).farDeadlineMark();
              looked.countDown();
              release.await();
              return "released";
            });
    self.add(call);
    call.setTimeout(Duration.ofHours(1));
    long before = System.nanoTime();
    Thread runner = new Thread(call::run, "far-unknown");
    runner.start();
    long after;
    long deadline;
    try { // whatever fails, the timer thread and the body are let go
      CallTestSupport.await(looked, "the body looking at its mark");
      assertTrue(
          atStart[0] != null && !atStart[0].isStamped(),
          "the call read nanoTime as it started: " + atStart[0]);
      releaseTimer.countDown();
      CallTestSupport.awaitCondition(
          () -> {
            FarDeadlines.OnThread mark = call.farDeadlineMark();
            return mark != null && mark.isStamped();
          },
          "a sweep working the deadline out");
      after = System.nanoTime();
      deadline = stampedDeadline(call);
    } finally {
      releaseTimer.countDown();
      release.countDown();
    }
    CallTestSupport.join(runner);
    assertEquals("released", call.result(WAIT));
    long nanos = TimeUnit.HOURS.toNanos(1);
    assertTrue(deadline - (before + nanos) >= 0, "earlier than the call could have started");
    assertTrue(deadline - (after + nanos) <= 0, "later than the sweep found it");
  }

  @Test
  void aDeadlineCenturiesAwayWorkedOutLaterIsKeptNotFiredThoughItsClockSumOverflows() {
    long nanos = Long.MAX_VALUE - 1; // about 292 years, the longest timeout: now + nanos overflows
    CapturedCall<String> onThread = CapturedCall.sync("centuries-worked-out", () -> "x");
    CapturedCall<String> leaving = CapturedCall.sync("centuries-left-its-thread", () -> "x");
    FarDeadlines deadlines =
        new FarDeadlines(sweep -> {}, visitor -> visitor.accept(onThread), reading -> reading);
    onThread.watchOnThread(FarDeadlines.OnThread.since(System.nanoTime(), nanos));
    deadlines.shownOnThread();
    deadlines.add(leaving, FarDeadlines.OnThread.since(System.nanoTime(), nanos).deadlineNow());
    deadlines.sweep();
    deadlines.sweep();
    assertTrue(stampedDeadline(onThread) - System.nanoTime() > 0, "worked out as already past");
    for (CapturedCall<String> call : List.of(onThread, leaving)) {
      assertTrue(deadlines.watches(call), "dropped: " + call);
      assertTrue(!call.isDone(), "a deadline 292 years away fired: " + call);
      call.cancel();
    }
    deadlines.sweep();
    assertEquals(0, deadlines.watched(), "an ended call is still watched");
  }

  @Test
  void aMarkWorkedOutLaterIsForFarDeadlinesOnly() {
    assertThrows(
        IllegalArgumentException.class,
        () -> FarDeadlines.OnThread.since(System.nanoTime(), FarDeadlines.FAR_NANOS - 1));
    assertTrue(!FarDeadlines.OnThread.since(0, FarDeadlines.FAR_NANOS).isStamped());
  }
}

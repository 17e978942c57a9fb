package org.portal4j.core;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.await;
import static org.portal4j.core.CallTestSupport.millisSince;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** Call timeouts: when they start, what they do, how they are enforced, and result(Duration). */
@CheckThreadLeaks
@Timeout(30)
class CallTimeoutTest {

  private static final Duration SHORT = Duration.ofMillis(200);

  /** A timeout fires no sooner than this after the call started (clock granularity slack). */
  private static final long NOT_BEFORE_MS = 150;

  /** A timeout fires sooner than this after the call started, however slow the machine. */
  private static final long WELL_BEFORE_MS = 5_000;

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  private static Call<String> blockingUntilInterrupted(AtomicBoolean sawInterrupt) {
    return Call.of(
        () -> {
          try {
            new CountDownLatch(1).await();
            return "not interrupted";
          } catch (InterruptedException e) {
            sawInterrupt.set(true);
            throw e;
          }
        });
  }

  // ------------------------------------------------------------------ expiry

  @Test
  void syncCallRunningPastItsTimeoutEndsWithCallTimeoutException() throws Exception {
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    Call<String> call = blockingUntilInterrupted(sawInterrupt).setTimeout(SHORT);
    long start = System.nanoTime();

    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long tookMs = millisSince(start);

    assertTrue(call.isTimedOut());
    assertTrue(call.isCancelled());
    assertTrue(call.isDone());
    assertTrue(tookMs >= NOT_BEFORE_MS, "timed out after " + tookMs + " ms");
    assertTrue(tookMs < WELL_BEFORE_MS, "timed out after " + tookMs + " ms");
    runner.join();
    assertTrue(sawInterrupt.get(), "the body was interrupted at the deadline");
  }

  @Test
  void asyncCallWhoseStageOutlivesItsTimeoutEndsTimedOutAndItsStageIsCancelled() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.<String>ofAsync(() -> stage).setTimeout(SHORT);
    long start = System.nanoTime();

    call.run();
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long tookMs = millisSince(start);

    assertTrue(call.isTimedOut());
    assertTrue(call.isCancelled());
    // Waited for, not asserted at once: Call.cancel()'s Javadoc lets the call be marked done
    // before its stage is cancelled, so a waiter woken by the timeout may look first.
    CallTestSupport.awaitCondition(stage::isCancelled, "stage cancelled");
    assertTrue(tookMs >= NOT_BEFORE_MS, "timed out after " + tookMs + " ms");
    assertTrue(tookMs < WELL_BEFORE_MS, "timed out after " + tookMs + " ms");
  }

  @Test
  void timedOutCallsFutureFailsWithCallTimeoutException() throws Exception {
    Call<String> call = Call.<String>ofAsync(CompletableFuture::new).setTimeout(SHORT);
    call.run();

    Throwable failure =
        call.toCompletableFuture().handle((v, e) -> e).get(WAIT.toMillis(), MILLISECONDS);

    assertTrue(failure instanceof CallTimeoutException, String.valueOf(failure));
    assertTrue(call.toCompletableFuture().isCancelled());
  }

  @Test
  void oneDeadlineCoversTheSyncPartAndTheAsyncPartTogether() throws Exception {
    Duration timeout = Duration.ofMillis(2_500);
    long syncPartMs = 2_000;
    // Separate deadlines would end the call after syncPartMs + timeout = 4.5 s.
    long separateDeadlinesMs = syncPartMs + timeout.toMillis();
    Call<String> call =
        Call.<String>ofAsync(
                () -> {
                  Thread.sleep(syncPartMs); // the sync part is busy for a while
                  return new CompletableFuture<>(); // and its stage never completes
                })
            .setTimeout(timeout);
    long start = System.nanoTime();

    call.run();
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long tookMs = millisSince(start);

    assertTrue(tookMs >= timeout.toMillis() - 50, "timed out after " + tookMs + " ms");
    assertTrue(
        tookMs < separateDeadlinesMs - 500,
        "timed out after " + tookMs + " ms: the async part got a deadline of its own");
  }

  @Test
  void timeoutStartsWhenTheCallStartsNotWhenItIsSubmitted() throws Exception {
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      // Keeps the worker busy for longer than the second call's timeout.
      Call<String> busy =
          worker.submit(
              Call.of(
                  () -> {
                    Thread.sleep(SHORT.toMillis() * 3);
                    return "busy";
                  }));
      Call<String> queued = worker.submit(Call.of(() -> "ran").setTimeout(SHORT));

      assertEquals("ran", queued.result(WAIT));
      assertFalse(queued.isTimedOut());
      assertEquals("busy", busy.result(WAIT));
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }

  // ------------------------------------------------------------------ setting the timeout

  @Test
  void zeroTimeoutExpiresAsTheCallStartsAndTheFunctionDoesNotRun() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    Call<String> call =
        Call.of(
                () -> {
                  ran.set(true);
                  return "x";
                })
            .setTimeout(Duration.ZERO);

    CompletableFuture<Void> runStage = call.run().toCompletableFuture();

    assertTrue(runStage.isDone());
    assertFalse(ran.get());
    assertTrue(call.isDone());
    assertTrue(call.isTimedOut());
    assertTrue(call.isCancelled());
    assertThrows(CallTimeoutException.class, call::result);
  }

  @Test
  void zeroTimeoutExpiresAsAnAsyncCallStartsAndItsFunctionDoesNotRun() {
    AtomicBoolean ran = new AtomicBoolean();
    Call<String> call =
        Call.<String>ofAsync(
                () -> {
                  ran.set(true);
                  return new CompletableFuture<>();
                })
            .setTimeout(Duration.ZERO);

    call.run();

    assertFalse(ran.get());
    assertTrue(call.isTimedOut());
    assertThrows(CallTimeoutException.class, call::result);
  }

  @Test
  void zeroTimeoutDoesNotExpireBeforeTheCallStarts() {
    Call<String> call = Call.of(() -> "x").setTimeout(Duration.ZERO);

    assertFalse(call.isDone());
    assertFalse(call.isTimedOut());
    assertEquals(Optional.of(Duration.ZERO), call.timeout());
  }

  @Test
  void negativeTimeoutIsAnIllegalArgument() {
    Call<String> call = Call.of(() -> "x").setTimeout(SHORT);

    assertThrows(IllegalArgumentException.class, () -> call.setTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> call.setTimeout(Duration.ofNanos(-1)));

    assertEquals(Optional.of(SHORT), call.timeout(), "a rejected timeout changes nothing");
  }

  @Test
  void callHasNoTimeoutUnlessGivenOne() {
    assertEquals(Optional.empty(), Call.of(() -> "x").timeout());
    assertEquals(Optional.empty(), Call.ofAsync(CompletableFuture::new).timeout());
  }

  @Test
  void nullTimeoutMeansNone() throws Exception {
    Call<String> call =
        Call.of(
            () -> {
              Thread.sleep(SHORT.toMillis() * 2); // busy for longer than the removed timeout
              return "x";
            });
    call.setTimeout(SHORT);

    call.setTimeout(null);
    call.run();

    assertEquals(Optional.empty(), call.timeout());
    assertEquals("x", call.result());
    assertFalse(call.isTimedOut());
  }

  @Test
  void setTimeoutReturnsTheSameCall() {
    Call<String> call = Call.of(() -> "x");

    assertSame(call, call.setTimeout(SHORT));
    assertSame(call, call.setTimeout(null));
  }

  @Test
  void setTimeoutOnceTheCallStartedIsIllegal() {
    AtomicReference<Throwable> insideBody = new AtomicReference<>();
    Call<String> call =
        Call.of(
            () -> {
              try {
                Call.current().orElseThrow().setTimeout(SHORT);
              } catch (Throwable t) {
                insideBody.set(t);
              }
              return "x";
            });

    call.run();

    assertTrue(insideBody.get() instanceof IllegalStateException, String.valueOf(insideBody));
    assertThrows(IllegalStateException.class, () -> call.setTimeout(SHORT));
    assertThrows(IllegalStateException.class, () -> call.setTimeout(null));
    assertEquals(Optional.empty(), call.timeout());
  }

  @Test
  void setTimeoutOfACallCancelledBeforeItStartedIsIllegal() {
    Call<String> call = Call.of(() -> "x");
    call.cancel();

    assertThrows(IllegalStateException.class, () -> call.setTimeout(SHORT));
  }

  @Test
  void fromSyncWithANullTimeoutLeavesTheCallsOwnTimeout() {
    Call<String> call = blockingUntilInterrupted(new AtomicBoolean()).setTimeout(SHORT);

    assertThrows(CallTimeoutException.class, () -> FromSync.callInNewThread(call, null));

    assertEquals(Optional.of(SHORT), call.timeout());
    assertTrue(call.isTimedOut());
  }

  @Test
  void fromSyncWithATimeoutGivesTheCallThatTimeout() {
    Call<String> call = blockingUntilInterrupted(new AtomicBoolean());

    assertThrows(CallTimeoutException.class, () -> FromSync.callInNewThread(call, SHORT));

    assertEquals(Optional.of(SHORT), call.timeout());
  }

  @Test
  void fromAsyncWithANullTimeoutLeavesTheCallsOwnTimeout() throws Exception {
    Call<String> call = blockingUntilInterrupted(new AtomicBoolean()).setTimeout(SHORT);

    CompletableFuture<String> outcome = FromAsync.callInNewThread(call, null);
    Throwable failure = outcome.handle((v, e) -> e).get(WAIT.toMillis(), MILLISECONDS);

    assertNotNull(failure, "the outcome failed");
    assertTrue(call.isTimedOut());
    assertEquals(Optional.of(SHORT), call.timeout());
  }

  // ------------------------------------------------------------------ result(Duration)

  @Test
  void resultWithAWaitThatRunsOutThrowsTimeoutExceptionAndLeavesTheCallAlone() throws Exception {
    CountDownLatch release = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              release.await();
              return "finished";
            });
    support.runOnNewThread(call);
    CallTestSupport.awaitCondition(call::isRunning, "call running");
    long start = System.nanoTime();

    assertThrows(TimeoutException.class, () -> call.result(SHORT));
    long waitedMs = millisSince(start);

    assertTrue(waitedMs >= NOT_BEFORE_MS, "gave up after " + waitedMs + " ms");
    assertTrue(call.isRunning(), "the call goes on");
    assertFalse(call.isDone());
    assertFalse(call.isCancelled());
    assertFalse(call.isTimedOut());

    release.countDown();

    assertEquals("finished", call.result(WAIT));
    assertFalse(call.isCancelled());
  }

  @Test
  void resultWithAWaitOfACallThatEndsInTimeReturnsItsResult() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);
    call.run();

    support.startThread("stage-completer", () -> stage.complete("x"));

    assertEquals("x", call.result(WAIT));
  }

  @Test
  void resultWithAWaitOfACallWhoseOwnTimeoutExpiresThrowsCallTimeoutException() {
    Call<String> call = Call.<String>ofAsync(CompletableFuture::new).setTimeout(SHORT);
    call.run();

    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
  }

  // ------------------------------------------------------------------ the shared scheduler

  private static Set<Thread> liveThreads() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    threads.addAll(Thread.getAllStackTraces().keySet());
    return threads;
  }

  @Test
  void timeoutsOfTenThousandCallsAreEnforcedByOneSharedSchedulerThread() throws Exception {
    int count = 10_000;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Set<Thread> before = liveThreads();
    long startedBefore = mx.getTotalStartedThreadCount();
    Set<Thread> endedOn = ConcurrentHashMap.newKeySet();
    CountDownLatch allDone = new CountDownLatch(count);
    List<Call<String>> calls = new ArrayList<>(count);

    for (int i = 0; i < count; i++) {
      Call<String> call = Call.<String>ofAsync(CompletableFuture::new).setTimeout(SHORT);
      call.addDoneCallback(
          c -> {
            endedOn.add(Thread.currentThread());
            allDone.countDown();
          });
      calls.add(call);
      call.run();
    }
    Set<Thread> startedMeanwhile = liveThreads();
    startedMeanwhile.removeAll(before);
    await(allDone, "every call timed out");
    long startedThreads = mx.getTotalStartedThreadCount() - startedBefore;

    assertTrue(calls.stream().allMatch(Call::isTimedOut));
    assertEquals(1, endedOn.size(), "every timeout fired on one thread: " + endedOn);
    assertEquals(TimeoutScheduler.THREAD_NAME, endedOn.iterator().next().getName());
    assertEquals("portal4j-timeout-scheduler", TimeoutScheduler.THREAD_NAME);
    assertTrue(
        startedMeanwhile.stream().allMatch(t -> t.getName().equals("portal4j-timeout-scheduler")),
        "threads started: " + startedMeanwhile);
    assertTrue(startedThreads <= 1, startedThreads + " threads started for " + count + " calls");
  }

  // ------------------------------------------------------------------ messages

  @Test
  void aTimedOutCallSaysItsTimeoutOnceAsPeopleWriteIt() throws Exception {
    String name = "slow-" + System.nanoTime();
    Call<String> call =
        Call.of(
            name,
            () -> {
              new CountDownLatch(1).await();
              return "never";
            });
    call.setTimeout(SHORT);
    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    CallTimeoutException e = assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    runner.join();

    assertEquals(name + " timed out after 200 ms", e.getMessage());
  }

  @Test
  void runningOutOfPatienceSaysWhichCallWasLateAndHowLongTheWaitWas() {
    String name = "never-run-" + System.nanoTime();
    Call<String> call = Call.of(name, () -> "unused");

    TimeoutException fromResult =
        assertThrows(TimeoutException.class, () -> call.result(Duration.ofMillis(20)));
    TimeoutException fromView =
        assertThrows(
            TimeoutException.class, () -> call.toCompletableFuture().get(20, MILLISECONDS));
    TimeoutException fromStage =
        assertThrows(
            TimeoutException.class,
            () -> call.toCompletableFuture().thenApply(s -> s).get(1, TimeUnit.SECONDS));

    assertEquals(name + " was not done within 20 ms", fromResult.getMessage());
    assertEquals(name + " was not done within 20 ms", fromView.getMessage());
    assertEquals("A stage made from " + name + " was not done within 1 s", fromStage.getMessage());
    assertFalse(call.isDone(), "running out of patience leaves the call alone");
  }

  @Test
  void durationsInMessagesReadAsPeopleWriteThem() {
    assertEquals("500 ms", CapturedCall.readable(Duration.ofMillis(500)));
    assertEquals("0 ms", CapturedCall.readable(Duration.ZERO));
    assertEquals("30 s", CapturedCall.readable(Duration.ofSeconds(30)));
    assertEquals("1500 ms", CapturedCall.readable(Duration.ofMillis(1500)));
    assertEquals("0.25 ms", CapturedCall.readable(Duration.ofNanos(250_000)));
    assertEquals("-1 s", CapturedCall.readable(Duration.ofSeconds(-1)));
    assertEquals(
        ChronoUnit.FOREVER.getDuration().toString(),
        CapturedCall.readable(ChronoUnit.FOREVER.getDuration()));
  }

  // ------------------------------------------------------------------ overrunning bodies

  private static List<ILoggingEvent> warningsNaming(LogCapture logs, String name) {
    return logs.at(Level.WARN).stream()
        .filter(e -> e.getFormattedMessage().contains(name))
        .collect(Collectors.toList());
  }

  @Test
  void bodyThatIgnoresItsInterruptAndRunsPastItsTimeoutIsLoggedOnceAtWarn() throws Exception {
    String name = "stubborn-" + System.nanoTime();
    CountDownLatch release = support.latch();
    // Long enough past the deadline that a repeated warning would show up.
    long busyNanos = SHORT.plus(CapturedCall.OVERRUN_WARNING_DELAY.multipliedBy(3)).toNanos();
    Call<String> call =
        Call.of(
            name,
            () -> {
              long busyUntil = System.nanoTime() + busyNanos;
              // Busy, ignoring interrupts, until released and well past the warning.
              while (release.getCount() > 0 || System.nanoTime() - busyUntil < 0) {
                Thread.onSpinWait();
              }
              return "late";
            });
    call.setTimeout(SHORT);

    try (LogCapture logs = LogCapture.start()) {
      long start = System.nanoTime();
      CallTestSupport.RunThread runner = support.runOnNewThread(call);

      assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
      long endedMs = millisSince(start);
      assertTrue(runner.thread.isAlive(), "the body is still running");
      assertTrue(call.isTimedOut(), "the call ended timed out at the deadline, not with its body");
      assertTrue(endedMs >= NOT_BEFORE_MS && endedMs < WELL_BEFORE_MS, "ended after " + endedMs);

      ILoggingEvent warning =
          logs.await(
              e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(name), WAIT);
      long warnedMs = millisSince(start);
      release.countDown();
      runner.join();

      assertTrue(
          warnedMs >= SHORT.plus(CapturedCall.OVERRUN_WARNING_DELAY).toMillis() - 50,
          "warned after " + warnedMs + " ms");
      assertEquals(1, warningsNaming(logs, name).size(), "warned once: " + logs.events());
      assertTrue(
          warning
              .getFormattedMessage()
              .matches(
                  "Call "
                      + Pattern.quote(name)
                      + " timed out after 200 ms, but its body ignored the interrupt: it is still"
                      + " running on "
                      + Pattern.quote(runner.thread.getName())
                      + ", \\d+ ms past the deadline"),
          warning.getFormattedMessage());
      IThrowableProxy stack = warning.getThrowableProxy();
      assertNotNull(stack, "the warning carries the body thread's stack");
      assertTrue(
          Arrays.stream(stack.getStackTraceElementProxyArray())
              .map(StackTraceElementProxy::getStackTraceElement)
              .anyMatch(frame -> frame.getClassName().equals(CallTimeoutTest.class.getName())),
          "the stack shows the body: " + Arrays.toString(stack.getStackTraceElementProxyArray()));
    }
    assertTrue(call.isTimedOut(), "the late result was discarded");
  }

  @Test
  void bodyThatStopsWhenInterruptedAtItsTimeoutIsNotReportedAsOverrunning() throws Exception {
    String name = "well-behaved-" + System.nanoTime();
    Call<String> call =
        Call.of(
            name,
            () -> {
              new CountDownLatch(1).await();
              return "never";
            });
    call.setTimeout(SHORT);

    try (LogCapture logs = LogCapture.start()) {
      CallTestSupport.RunThread runner = support.runOnNewThread(call);
      assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
      runner.join();
      // An overrun check, if any, was scheduled on the single scheduler thread at the deadline,
      // OVERRUN_WARNING_DELAY ahead; this marker is due after it, so it runs after it.
      CountDownLatch marker = new CountDownLatch(1);
      TimeoutScheduler.schedule(marker::countDown, CapturedCall.OVERRUN_WARNING_DELAY.plus(SHORT));
      await(marker, "scheduler marker");

      assertEquals(List.of(), warningsNaming(logs, name));
    }
  }
}

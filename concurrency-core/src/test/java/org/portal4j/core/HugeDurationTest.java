package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Timeouts": a duration too large to count in nanoseconds (a timeout, or the patience of
 * any timed wait) means forever, as in the JDK's timed waits; it never throws {@code
 * ArithmeticException} and never leaves a call stuck. A negative patience runs out at once.
 *
 * <p>Uses {@link Portals}, so backend modules can re-run it against their portals.
 */
@CheckThreadLeaks
@Timeout(60)
class HugeDurationTest {

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** Durations whose {@code toNanos()} overflows. */
  static Stream<Duration> huge() {
    return Stream.of(Duration.ofSeconds(Long.MAX_VALUE), ChronoUnit.FOREVER.getDuration());
  }

  /**
   * Runs {@code body} on a thread of its own and returns its result, failing (not hanging) if it
   * has not returned within {@link CallTestSupport#WAIT}.
   */
  private <T> T returnsWithinWait(String what, Callable<T> body) throws Exception {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    support.startThread(
        "huge-duration",
        () -> {
          try {
            outcome.complete(body.call());
          } catch (Throwable t) {
            outcome.completeExceptionally(t);
          }
        });
    try {
      return outcome.get(CallTestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not return within " + CallTestSupport.WAIT, e);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " threw " + e.getCause(), e.getCause());
    }
  }

  // ------------------------------------------------------------------ timeouts

  @ParameterizedTest
  @MethodSource("huge")
  void hugeTimeoutMeansForeverAndTheCallStillEnds(Duration huge) throws Exception {
    Call<String> call = support.track(Call.of(() -> "ran").setTimeout(huge));

    call.run();

    assertTrue(call.isDone(), "the call is left " + call);
    assertFalse(call.isTimedOut());
    assertEquals("ran", call.result());
  }

  @ParameterizedTest
  @MethodSource("huge")
  void hugeTimeoutOnAWorkerMeansForeverAndTheCallStillEnds(Duration huge) throws Exception {
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      Call<String> call = support.track(Call.of(() -> "ran").setTimeout(huge));

      worker.submit(call);

      assertEquals("ran", call.result(CallTestSupport.WAIT));
      worker.shutdown();
      assertTrue(worker.awaitTermination(CallTestSupport.WAIT));
    }
  }

  @ParameterizedTest
  @MethodSource("huge")
  void hugeTimeoutThroughFromSyncCallInNewThreadReturnsTheResult(Duration huge) throws Exception {
    Call<String> call = support.track(Call.of(() -> "ran"));

    String result =
        returnsWithinWait(
            "FromSync.callInNewThread(call, " + huge + ")",
            () -> FromSync.callInNewThread(call, huge));

    assertEquals("ran", result);
  }

  // ------------------------------------------------------------------ patience

  @ParameterizedTest
  @MethodSource("huge")
  void hugePatienceOfResultWaitsForACallThatFinishesSoon(Duration huge) throws Exception {
    CountDownLatch release = support.latch();
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      Call<String> call =
          support.track(
              worker.submit(
                  Call.of(
                      () -> {
                        release.await();
                        return "finished";
                      })));
      // Release the call only once this thread waits, so result(huge) finds it still pending.
      Thread waiting = Thread.currentThread();
      support.startThread(
          "releaser",
          () -> {
            CallTestSupport.awaitCondition(
                () ->
                    waiting.getState() == Thread.State.WAITING
                        || waiting.getState() == Thread.State.TIMED_WAITING,
                "the test thread waits");
            release.countDown();
          });

      assertEquals("finished", call.result(huge));
      worker.shutdown();
      assertTrue(worker.awaitTermination(CallTestSupport.WAIT));
    }
  }

  static Stream<Duration> negative() {
    return Stream.of(Duration.ofSeconds(-1), Duration.ofSeconds(Long.MIN_VALUE));
  }

  @ParameterizedTest
  @MethodSource("negative")
  void negativePatienceOfResultThrowsTimeoutExceptionAtOnce(Duration negative) throws Exception {
    CountDownLatch release = support.latch();
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      Call<String> pending =
          support.track(
              worker.submit(
                  Call.of(
                      () -> {
                        release.await();
                        return "late";
                      })));
      long start = System.nanoTime();

      assertThrows(TimeoutException.class, () -> pending.result(negative));

      assertTrue(CallTestSupport.millisSince(start) < 5_000, "did not run out at once");
      assertFalse(pending.isDone(), "result(Duration) leaves the call alone");
      release.countDown();
      assertEquals("late", pending.result(CallTestSupport.WAIT));
    }
  }

  // ------------------------------------------------------------------ portals

  @ParameterizedTest
  @MethodSource("huge")
  void hugeAwaitTerminationOfAShutDownWorkerReturnsTrue(Duration huge) throws Exception {
    WorkerPortal worker = Portals.newWorkerThread();
    worker.submit(() -> "started").result(CallTestSupport.WAIT);
    worker.shutdown();

    assertTrue(
        returnsWithinWait("awaitTermination(" + huge + ")", () -> worker.awaitTermination(huge)));
  }

  @ParameterizedTest
  @MethodSource("huge")
  void hugeAwaitTerminationOfAShutDownLoopReturnsTrue(Duration huge) throws Exception {
    LoopPortal loop = Portals.newEventLoopThread();
    loop.submit(() -> "started").result(CallTestSupport.WAIT);
    loop.shutdown();

    assertTrue(
        returnsWithinWait("awaitTermination(" + huge + ")", () -> loop.awaitTermination(huge)));
  }

  @Test
  void hugeWaitForGlobalLoopExitReturns() throws Exception {
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    LoopPortal global = Portals.globalLoop();
    try {
      returnsWithinWait(
          "waitForGlobalLoopExit(" + huge + ")",
          () -> {
            Portals.waitForGlobalLoopExit(huge);
            return null;
          });
      assertTrue(global.awaitTermination(CallTestSupport.WAIT), "the global loop did not exit");
    } finally {
      // Other tests use the global loop: it must work again.
      if (!"ok".equals(Portals.globalLoop().submit(() -> "ok").result(CallTestSupport.WAIT))) {
        fail("the global loop does not work after the test");
      }
    }
  }
}

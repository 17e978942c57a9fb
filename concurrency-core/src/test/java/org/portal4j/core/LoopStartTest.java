package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.PortalOptions;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Portals", platform event loops starting: a loop that fails to start cancels its queued
 * calls and its shutdown calls with the failure as cause; {@code start()} called on another loop's
 * thread does not block that thread until ready, so two loops that start each other never deadlock.
 */
@CheckThreadLeaks
@Timeout(60)
class LoopStartTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<EventLoopPortal> loops = new ArrayList<>();
  private final List<CountDownLatch> latches = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    latches.forEach(CountDownLatch::countDown);
    loops.forEach(EventLoopPortal::shutdown);
    for (EventLoopPortal loop : loops) {
      assertTrue(loop.awaitTermination(WAIT), loop.name() + " did not terminate");
    }
  }

  private CountDownLatch latch() {
    CountDownLatch latch = new CountDownLatch(1);
    latches.add(latch);
    return latch;
  }

  private static PortalOptions named(String name) {
    return PortalOptions.builder().name(name + "-" + System.nanoTime()).build();
  }

  /** A loop whose start-up waits for {@code go}, then fails with {@code failure}. */
  private EventLoopPortal failingLoop(CountDownLatch go, RuntimeException failure) {
    EventLoopPortal loop =
        new EventLoopPortal(named("failing-loop")) {
          @Override
          protected void onLoopStart() throws Exception {
            assertTrue(go.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            throw failure;
          }
        };
    loops.add(loop);
    return loop;
  }

  /** The exception {@code call.result()} throws, which must be a cancellation. */
  private static CallCancelledException cancellationOf(Call<?> call) {
    return assertThrows(CallCancelledException.class, () -> call.result(WAIT), call.toString());
  }

  // ------------------------------------------------------------------ start-up failure

  @Test
  void aLoopThatFailsToStartCancelsItsQueuedCallsWithTheFailureAsCause() throws Exception {
    CountDownLatch go = latch();
    IllegalStateException failure = new IllegalStateException("start-up failed");
    EventLoopPortal loop = failingLoop(go, failure);
    Call<String> queued = loop.submit(Call.of("queued-before-failure", () -> "ran"));

    go.countDown();

    assertSame(failure, assertThrows(IllegalStateException.class, loop::start));
    assertTrue(loop.awaitTermination(WAIT));
    assertSame(failure, cancellationOf(queued).getCause(), "the cause of the cancellation");
  }

  @Test
  void aLoopThatFailsToStartCountsTheCallsItCancelsAndTheTasksItDropsInAWarn() throws Exception {
    CountDownLatch go = latch();
    EventLoopPortal loop = failingLoop(go, new IllegalStateException("start-up failed"));
    AtomicInteger ran = new AtomicInteger();
    try (LogCapture logs = LogCapture.start()) {
      loop.execute(ran::incrementAndGet); // starts the loop, whose start-up waits for go
      loop.execute(ran::incrementAndGet);
      Call<String> queued = loop.submit(Call.of("queued-before-failure", () -> "ran"));

      go.countDown();

      assertTrue(loop.awaitTermination(WAIT));
      cancellationOf(queued);
      assertEquals(0, ran.get(), "a task of a loop that never started ran");
      logs.await(
          e ->
              e.getLevel() == Level.WARN
                  && e.getFormattedMessage()
                      .equals(
                          loop.name()
                              + " cancelled 1 call(s) and dropped 2 task(s) it had taken: it"
                              + " failed to start"),
          WAIT);
    }
  }

  /** What starts the failing loop. */
  enum StartedBy {
    SUBMIT,
    SHUTDOWN
  }

  @ParameterizedTest(name = "started by {0}")
  @EnumSource(StartedBy.class)
  void aLoopThatFailsToStartCancelsItsShutdownCallsWithTheFailureAsCause(StartedBy startedBy)
      throws Exception {
    CountDownLatch go = latch();
    IllegalStateException failure = new IllegalStateException("start-up failed");
    EventLoopPortal loop = failingLoop(go, failure);
    Call<String> first = Call.of("shutdown-call-1", () -> "ran");
    Call<String> second = Call.of("shutdown-call-2", () -> "ran");
    loop.addShutdownCall(first);
    loop.addShutdownCall(second);
    if (startedBy == StartedBy.SUBMIT) {
      loop.submit(() -> "queued");
    } else {
      loop.shutdown(); // a loop with shutdown calls starts to run them
    }

    go.countDown();

    assertTrue(loop.awaitTermination(WAIT));
    for (Call<String> call : List.of(first, second)) {
      CallCancelledException cancelled;
      try {
        cancelled = cancellationOf(call);
      } catch (AssertionError e) {
        if (e.getCause() instanceof TimeoutException) {
          throw new AssertionError(call + " was left pending by the loop that failed to start");
        }
        throw e;
      }
      assertSame(failure, cancelled.getCause(), "the cause of cancelling " + call.name());
    }
  }

  // ------------------------------------------------------------------ starting from a loop

  @Test
  void startCalledOnAnotherLoopsThreadReturnsWithoutWaitingForReadiness() throws Exception {
    CountDownLatch letBStart = latch();
    EventLoopPortal a = new EventLoopPortal(named("loop-a"));
    EventLoopPortal b =
        new EventLoopPortal(named("loop-b")) {
          @Override
          protected void onLoopStart() throws Exception {
            assertTrue(letBStart.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
          }
        };
    loops.add(a);
    loops.add(b);

    Call<String> startB =
        a.submit(
            Call.of(
                "start-b-on-a",
                () -> {
                  b.start();
                  return "returned";
                }));

    try {
      assertEquals("returned", startB.result(WAIT), "b.start() on a's thread");
    } catch (TimeoutException e) {
      throw new AssertionError(
          "b.start() blocked loop a's thread until b was ready (" + WAIT + " and counting)", e);
    }
    letBStart.countDown();
    assertEquals("usable", b.submit(() -> "usable").result(WAIT));
  }
}

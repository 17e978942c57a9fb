package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Diagnostics;
import org.portal4j.FromSync;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * The stuck-call watchdog: one WARN for a call running past the threshold, with its stack and who
 * waits for it; one more at 10 times the threshold; none for calls that finish in time; and its
 * thread is a daemon that exits when the watchdog is turned off.
 */
@CheckThreadLeaks
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchdogTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration THRESHOLD = Duration.ofMillis(100);

  private final CountDownLatch release = new CountDownLatch(1);
  private WorkerPortal worker;

  @AfterEach
  void turnOffAndRelease() throws InterruptedException {
    Diagnostics.watchdog(null);
    release.countDown();
    if (worker != null) {
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
    awaitWatchdogThreadGone();
  }

  private WorkerPortal worker(String name) {
    worker =
        Portals.newWorkerThread(
            PortalOptions.builder().name(name + "-" + System.nanoTime()).build());
    return worker;
  }

  private Object stuck() throws InterruptedException {
    release.await();
    return "unstuck";
  }

  private static List<ILoggingEvent> warningsAbout(LogCapture logs, String name) {
    return logs.at(Level.WARN).stream()
        .filter(e -> e.getLoggerName().equals(Watchdog.LOGGER))
        .filter(e -> e.getFormattedMessage().startsWith("Call " + name + " has been running"))
        .collect(Collectors.toList());
  }

  private static Thread watchdogThread() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(Watchdog.THREAD_NAME))
        .findFirst()
        .orElse(null);
  }

  private static void awaitWatchdogThreadGone() throws InterruptedException {
    Thread t = watchdogThread();
    if (t != null) {
      t.join(WAIT.toMillis());
      assertFalse(t.isAlive(), "the watchdog thread did not exit once turned off");
    }
  }

  @Test
  void aStuckCallIsReportedOnceWithItsStackAndItsWaiterThenAgainAtTenTimes() throws Exception {
    WorkerPortal w = worker("stuck-worker");
    Call<Object> call = Call.of("stuck-call", this::stuck);
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                outcome.complete(FromSync.callIn(w, call, null));
              } catch (Throwable t) {
                outcome.completeExceptionally(t);
              }
            },
            "stuck-caller-" + System.nanoTime());
    try (LogCapture logs = LogCapture.start()) {
      caller.start();
      InFlightDumpTest.awaitInFlight(
          InFlightDumpTest.blockedIn(call, "stuck").and(c -> !c.waitingThreads().isEmpty()));
      Diagnostics.watchdog(THRESHOLD);
      assertEquals(THRESHOLD, Diagnostics.watchdog().orElseThrow());
      Thread watchdog = watchdogThread();
      assertTrue(watchdog != null && watchdog.isDaemon(), "a daemon watchdog thread");

      ILoggingEvent first = logs.await(e -> !warningsAbout(logs, "stuck-call").isEmpty(), WAIT);
      first = warningsAbout(logs, "stuck-call").get(0);
      String message = first.getFormattedMessage();
      assertTrue(message.contains("on " + w.name() + " (portal " + w.name() + ")"), message);
      assertTrue(message.contains("past the watchdog threshold of 100 ms"), message);
      assertTrue(message.contains("waiting for it:\n  " + caller.getName()), message);
      assertTrue(
          first.getThrowableProxy().getMessage().equals("stack of " + w.name()),
          first.getThrowableProxy().getMessage());
      assertTrue(
          java.util.Arrays.stream(first.getThrowableProxy().getStackTraceElementProxyArray())
              .anyMatch(f -> f.getStackTraceElement().getMethodName().equals("stuck")),
          "the stuck thread's stack");

      // Once per level: the next report about it is the one at 10 times the threshold.
      logs.await(e -> warningsAbout(logs, "stuck-call").size() >= 2, WAIT);
      List<ILoggingEvent> reports = warningsAbout(logs, "stuck-call");
      assertEquals(2, reports.size(), reports.toString());
      assertTrue(
          reports.get(1).getFormattedMessage().contains("10 times the watchdog threshold"),
          reports.get(1).getFormattedMessage());

      release.countDown();
      assertEquals("unstuck", outcome.get());
    } finally {
      caller.join(WAIT.toMillis());
    }
  }

  @Test
  void theReportFollowsTheChainOfWaitersThreadByThread() throws Exception {
    WorkerPortal inner = worker("chain-inner");
    WorkerPortal outer =
        Portals.newWorkerThread(
            PortalOptions.builder().name("chain-outer-" + System.nanoTime()).build());
    Call<Object> stuckCall = Call.of("chain-stuck", this::stuck);
    Call<Object> waitingCall =
        Call.of("chain-waiting", () -> FromSync.callIn(inner, stuckCall, null));
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              try {
                outcome.complete(FromSync.callIn(outer, waitingCall, null));
              } catch (Throwable t) {
                outcome.completeExceptionally(t);
              }
            },
            "chain-caller-" + System.nanoTime());
    try (LogCapture logs = LogCapture.start()) {
      caller.start();
      InFlightDumpTest.awaitInFlight(
          InFlightDumpTest.blockedIn(stuckCall, "stuck").and(c -> !c.waitingThreads().isEmpty()));
      InFlightDumpTest.awaitInFlight(
          c -> c.call() == waitingCall && c.waitingThreads().contains(caller));
      Diagnostics.watchdog(THRESHOLD);

      logs.await(e -> !warningsAbout(logs, "chain-stuck").isEmpty(), WAIT);
      String message = warningsAbout(logs, "chain-stuck").get(0).getFormattedMessage();
      assertTrue(
          message.endsWith(
              "; waiting for it:\n  "
                  + outer.name()
                  + " (in its SyncWaiter), running call chain-waiting, for which:\n    "
                  + caller.getName()
                  + " (in its SyncWaiter)"),
          message);
      release.countDown();
      assertEquals("unstuck", outcome.get());
    } finally {
      release.countDown();
      caller.join(WAIT.toMillis());
      outer.shutdown();
      assertTrue(outer.awaitTermination(WAIT));
    }
  }

  @Test
  void fastCallsAreNeverReported() throws Exception {
    WorkerPortal w = worker("fast-worker");
    try (LogCapture logs = LogCapture.start()) {
      Diagnostics.watchdog(THRESHOLD);
      for (int i = 0; i < 200; i++) {
        w.submit(Call.of("fast-call", () -> "quick")).result();
      }
      // A stuck call's report shows that the watchdog has looked since the fast calls ended.
      Call<Object> marker = w.submit(Call.of("marker-call", this::stuck));
      logs.await(e -> !warningsAbout(logs, "marker-call").isEmpty(), WAIT);
      assertEquals(List.of(), warningsAbout(logs, "fast-call"));
      release.countDown();
      assertEquals("unstuck", marker.result());
    }
  }

  @Test
  void whileItIsOnCallsReadTheirAgesOffNanoTimeNotTheCoarseClock() {
    assertFalse(CoarseClock.precise(), "off: the coarse clock");
    Diagnostics.watchdog(Duration.ofMillis(5)); // a tick of the coarse clock is twice that
    assertTrue(CoarseClock.precise(), "on: nanoTime, so that no call is reported a tick early");
    Diagnostics.watchdog(Duration.ofSeconds(1)); // a new threshold: still on, counted once
    Diagnostics.watchdog(null);
    assertFalse(CoarseClock.precise(), "off again: the coarse clock");
  }

  @Test
  void twoThreadsTurningItOnAndOffLeaveCallsOnTheCoarseClockOnceItIsOff() throws Exception {
    Runnable toggle =
        () -> {
          for (int i = 0; i < 500; i++) {
            Diagnostics.watchdog(Duration.ofMillis(5));
            Diagnostics.watchdog(i % 2 == 0 ? null : Duration.ZERO);
          }
        };
    Thread other = new Thread(toggle, "toggling-watchdog");
    other.start();
    toggle.run();
    other.join(WAIT.toMillis());
    assertFalse(other.isAlive(), "the other thread did not finish");

    Diagnostics.watchdog(null);
    assertFalse(CoarseClock.precise(), "off: every on was counted off once");
  }

  @Test
  void turningItOffEndsItsThreadAndTurningItOnAgainStartsOne() throws Exception {
    Diagnostics.watchdog(Duration.ofSeconds(30));
    assertTrue(watchdogThread() != null);
    Diagnostics.watchdog(Duration.ZERO);
    assertTrue(Diagnostics.watchdog().isEmpty());
    awaitWatchdogThreadGone();
    Diagnostics.watchdog(Duration.ofSeconds(30));
    Diagnostics.watchdog(Duration.ofSeconds(60)); // a new threshold: the same thread
    assertEquals(Duration.ofSeconds(60), Diagnostics.watchdog().orElseThrow());
    assertEquals(
        1,
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(Watchdog.THREAD_NAME))
            .count());
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.portal4j.Call;
import org.portal4j.CallTimeoutException;
import org.portal4j.DeadlockException;
import org.portal4j.Diagnostics;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;

/**
 * The JFR events of category portal4j, recorded in-process and read back from the file: Call (name,
 * portal, queue delay, outcome, duration), Timeout, Deadlock and StuckCall carry the right fields.
 * No thread-leak check: JFR keeps threads of its own once started.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FlightEventsTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  private final CountDownLatch release = new CountDownLatch(1);
  private LoopPortal loop;

  @AfterEach
  void cleanUp() throws InterruptedException {
    Diagnostics.watchdog(null);
    release.countDown();
    if (loop != null) {
      loop.shutdown();
      assertTrue(loop.awaitTermination(WAIT));
    }
  }

  private List<RecordedEvent> record(ThrowingRunnable work) throws Exception {
    try (Recording recording = new Recording()) {
      for (String name :
          List.of(
              "org.portal4j.Call",
              "org.portal4j.Timeout",
              "org.portal4j.Deadlock",
              "org.portal4j.StuckCall")) {
        recording.enable(name).withoutThreshold();
      }
      recording.start();
      work.run();
      recording.stop();
      Path file = dir.resolve("portal4j.jfr");
      recording.dump(file);
      assertTrue(Files.size(file) > 0);
      return RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().startsWith("org.portal4j."))
          .collect(Collectors.toList());
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static List<RecordedEvent> named(List<RecordedEvent> events, String type, String call) {
    return events.stream()
        .filter(e -> e.getEventType().getName().equals(type))
        .filter(e -> call.equals(e.getString("call")))
        .collect(Collectors.toList());
  }

  private LoopPortal loop() {
    loop =
        Portals.newEventLoopThread(
            PortalOptions.builder().name("jfr-loop-" + System.nanoTime()).build());
    return loop;
  }

  @Test
  void aCallEventHasItsNamePortalQueueDelayOutcomeAndDuration() throws Exception {
    LoopPortal l = loop();
    List<RecordedEvent> events =
        record(
            () -> {
              assertEquals("ok", l.submit(Call.of("jfr-ok", () -> "ok")).result());
              Call<Object> failing =
                  l.submit(
                      Call.of(
                          "jfr-failing",
                          () -> {
                            throw new IllegalStateException("boom");
                          }));
              assertThrows(IllegalStateException.class, failing::result);
              Call<String> slow =
                  Call.of(
                      "jfr-slow",
                      () -> {
                        Thread.sleep(20); // the work whose duration is recorded
                        return "slow";
                      });
              slow.run();
            });
    RecordedEvent ok = named(events, "org.portal4j.Call", "jfr-ok").get(0);
    assertEquals(l.name(), ok.getString("portal"));
    assertEquals("succeeded", ok.getString("outcome"));
    assertTrue(ok.getDuration("queueDelay").toNanos() >= 0);
    assertEquals(l.name(), ok.getThread("ranOn").getJavaName());
    assertEquals("portal4j", ok.getEventType().getCategoryNames().get(0));

    RecordedEvent failed = named(events, "org.portal4j.Call", "jfr-failing").get(0);
    assertEquals("failed", failed.getString("outcome"));

    RecordedEvent slow = named(events, "org.portal4j.Call", "jfr-slow").get(0);
    assertEquals(null, slow.getString("portal"));
    assertEquals(Duration.ZERO, slow.getDuration("queueDelay"));
    assertTrue(slow.getDuration().compareTo(Duration.ofMillis(20)) >= 0, slow.toString());
  }

  @Test
  void aTimeoutFiresATimeoutEventAndACallEventThatSaysTimedOut() throws Exception {
    LoopPortal l = loop();
    List<RecordedEvent> events =
        record(
            () -> {
              Call<String> call =
                  Call.of(
                          "jfr-times-out",
                          () -> {
                            release.await();
                            return "never";
                          })
                      .setTimeout(Duration.ofMillis(50));
              l.submit(call);
              assertThrows(CallTimeoutException.class, call::result);
            });
    RecordedEvent timeout = named(events, "org.portal4j.Timeout", "jfr-times-out").get(0);
    assertEquals(l.name(), timeout.getString("portal"));
    assertEquals(Duration.ofMillis(50), timeout.getDuration("timeout"));
    assertEquals(l.name(), timeout.getThread("runningOn").getJavaName());
    RecordedEvent call = named(events, "org.portal4j.Call", "jfr-times-out").get(0);
    assertEquals("timed out", call.getString("outcome"));
  }

  @Test
  void aRefusedDeadlockFiresADeadlockEventWithTheCycle() throws Exception {
    LoopPortal l = loop();
    List<RecordedEvent> events =
        record(
            () -> {
              Call<String> outer =
                  Call.of(
                      "jfr-outer",
                      () -> {
                        Call<String> inner = l.submit(Call.of("jfr-inner", () -> "inner"));
                        return inner.result(); // on the loop, for a call queued on the loop
                      });
              l.submit(outer);
              assertThrows(DeadlockException.class, outer::result);
            });
    RecordedEvent deadlock = named(events, "org.portal4j.Deadlock", "jfr-inner").get(0);
    assertTrue(deadlock.getString("cycle").startsWith("Deadlock: "), deadlock.toString());
    assertTrue(deadlock.getString("cycle").contains("jfr-inner"), deadlock.toString());
    assertEquals(l.name(), deadlock.getThread().getJavaName());
  }

  @Test
  void theWatchdogFiresAStuckCallEventWithTheThreadsStack() throws Exception {
    LoopPortal l = loop();
    List<RecordedEvent> events =
        record(
            () -> {
              Call<Object> stuck =
                  l.submit(
                      Call.of(
                          "jfr-stuck",
                          () -> {
                            release.await();
                            return "unstuck";
                          }));
              try (LogCapture logs = LogCapture.start()) {
                Diagnostics.watchdog(Duration.ofMillis(50));
                logs.await(
                    e -> e.getFormattedMessage().startsWith("Call jfr-stuck has been running"),
                    WAIT);
              }
              Diagnostics.watchdog(null);
              release.countDown();
              assertEquals("unstuck", stuck.result());
            });
    RecordedEvent stuck = named(events, "org.portal4j.StuckCall", "jfr-stuck").get(0);
    assertEquals(l.name(), stuck.getString("portal"));
    assertEquals(Duration.ofMillis(50), stuck.getDuration("threshold"));
    assertTrue(stuck.getDuration("runningFor").compareTo(Duration.ofMillis(50)) >= 0);
    assertEquals(l.name(), stuck.getThread("runningOn").getJavaName());
    assertTrue(stuck.getString("stack").contains("CountDownLatch.await"), stuck.toString());
  }
}

package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class QueueServiceBoundTest {

  private static final Pattern DROP_WARNING = Pattern.compile("dropped (\\d+) item\\(s\\)");

  private final Object key = new Object();
  private final CompletableFuture<Void> release = new CompletableFuture<>();

  @AfterEach
  void drainLeftovers() {
    release.complete(null);
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(10)));
  }

  /** A service with room for 100 items whose consumer is stuck on its first item. */
  private TestService blockedServiceOfCapacity100() throws InterruptedException {
    TestService service =
        QueueService.instance(
            TestService.class,
            key,
            () -> new TestService(100, item -> item.equals("blocker") ? release : null));
    service.send("blocker");
    Await.until(
        "the consumer holds the blocker",
        () -> service.events.contains("handle blocker on GlobalEventLoopThread"));
    return service;
  }

  @Test
  void aFullQueueDropsCountsAndHooksEveryItemOverItsBound() throws Exception {
    TestService service = blockedServiceOfCapacity100();
    for (int i = 0; i < 1000; i++) {
      service.send("item-" + i);
    }
    assertEquals(900, service.droppedCount());
    assertEquals(
        IntStream.range(100, 1000).mapToObj(i -> "item-" + i).collect(Collectors.toList()),
        service.dropped);

    release.complete(null);
    service.drain();
    assertEquals(101, service.handled.size(), "the blocker and the 100 queued items");
    assertEquals(
        IntStream.range(0, 100).mapToObj(i -> "item-" + i).collect(Collectors.toList()),
        service.handled.subList(1, 101));
  }

  @Test
  void theDropWarningIsRateLimitedAndReportsEveryDrop() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      TestService service = blockedServiceOfCapacity100();
      long start = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        service.send("item-" + i);
      }
      long burstSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
      int warningsDuringTheBurst = dropWarnings(logs).size();
      assertTrue(
          warningsDuringTheBurst >= 1 && warningsDuringTheBurst <= 1 + burstSeconds,
          "at most one warning a second, got " + warningsDuringTheBurst);

      release.complete(null);
      service.drain(); // reports the drops counted since the last warning
      List<Integer> counts = dropWarnings(logs);
      assertEquals(900, counts.stream().mapToInt(Integer::intValue).sum(), counts.toString());
    }
  }

  private static List<Integer> dropWarnings(LogCapture logs) {
    return logs.messages(Level.WARN).stream()
        .map(DROP_WARNING::matcher)
        .filter(Matcher::find)
        .map(m -> Integer.parseInt(m.group(1)))
        .collect(Collectors.toList());
  }

  @Test
  void anUnboundedQueueDropsNothing() {
    TestService service = QueueService.instance(TestService.class, key, TestService::recording);
    for (int i = 0; i < 5000; i++) {
      service.send("item-" + i);
    }
    service.drain();
    assertEquals(0, service.droppedCount());
    assertEquals(5000, service.handled.size());
  }
}

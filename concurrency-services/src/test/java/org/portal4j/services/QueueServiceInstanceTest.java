package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class QueueServiceInstanceTest {

  private final Object key = new Object();

  @AfterEach
  void drainLeftovers() {
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(10)));
  }

  private TestService service() {
    return QueueService.instance(TestService.class, key, TestService::recording);
  }

  @Test
  void askingTwiceForTheSameClassAndKeyGivesTheSameInstance() {
    TestService first = service();
    assertSame(first, service());
    assertTrue(first.isRunning());
  }

  @Test
  void differentKeysGiveDifferentInstances() {
    TestService a = QueueService.instance(TestService.class, "a", TestService::recording);
    TestService b = QueueService.instance(TestService.class, "b", TestService::recording);
    assertNotSame(a, b);
    assertSame(a, QueueService.instance(TestService.class, "a", TestService::recording));
    assertEquals("TestService[a]", a.toString());
  }

  @Test
  void askingAfterTheInstanceStoppedGivesAFreshOne() {
    TestService first = service();
    first.send("x");
    first.drain();
    assertTrue(first.isStopped());
    assertFalse(first.isRunning());

    TestService second = service();
    assertNotSame(first, second);
    assertTrue(second.isRunning());
    second.send("y");
    second.drain();
    assertEquals(List.of("y"), second.handled);
  }

  @Test
  void askingWhileTheInstanceDrainsGivesAFreshOne() {
    CompletableFuture<Void> release = new CompletableFuture<>();
    TestService first =
        QueueService.instance(TestService.class, key, () -> new TestService(item -> release));
    first.send("held");
    first.drainAsync();
    TestService second = service();
    assertNotSame(first, second);
    release.complete(null);
    first.drain();
    assertEquals(List.of("held"), first.handled);
  }

  @Test
  void aServiceWhoseStartFailsIsLoggedRejectsItemsAndIsReplaced() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      TestService broken =
          QueueService.instance(
              TestService.class,
              key,
              () ->
                  TestService.recording()
                      .startingWith(
                          ignored -> {
                            throw new IllegalStateException("no connection");
                          }));
      Await.until("the failed service stopped", broken::isStopped);
      assertThrows(IllegalStateException.class, () -> broken.send("x"));
      assertTrue(
          logs.messages(Level.ERROR).stream().anyMatch(m -> m.contains("failed to start")),
          logs.events().toString());

      TestService fresh = service();
      assertNotSame(broken, fresh);
      fresh.send("y");
      fresh.drain();
      assertEquals(List.of("y"), fresh.handled);
    }
  }

  @Test
  void askingFromTheGlobalLoopStartsTheServiceThereWithoutDeadlock() {
    TestService service =
        FromSync.callInLoopThread(
            Call.of(
                () -> {
                  TestService s = service();
                  s.send("from the loop");
                  return s;
                }),
            Duration.ofSeconds(10));
    service.drain();
    assertEquals(List.of("from the loop"), service.handled);
    assertTrue(
        service.events.get(0).startsWith("start on GlobalEventLoopThread"),
        service.events.toString());
  }

  @Test
  void racingCallersGetOneInstance() throws Exception {
    int threads = 8;
    AtomicInteger made = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<TestService>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                return QueueService.instance(
                    TestService.class,
                    key,
                    () -> {
                      made.incrementAndGet();
                      return TestService.recording();
                    });
              }));
    }
    go.countDown();
    TestService first = results.get(0).get(20, TimeUnit.SECONDS);
    for (Future<TestService> result : results) {
      assertSame(first, result.get(20, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
    assertTrue(made.get() >= 1);
  }

  @Test
  void aFactoryThatReturnsAServiceInUseIsRejected() {
    TestService running = service();
    assertThrows(
        IllegalStateException.class,
        () -> QueueService.instance(TestService.class, "other", () -> running));
  }

  @Test
  void aServiceNotMadeByInstanceRejectsItems() {
    TestService loose = TestService.recording();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> loose.send("x"));
    assertTrue(e.getMessage().contains("instance"), e.getMessage());
  }
}

package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.Portals;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class QueueServiceDrainTest {

  private final Object key = new Object();
  private final CompletableFuture<Void> release = new CompletableFuture<>();

  @AfterEach
  void drainLeftovers() {
    release.complete(null);
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(10)));
  }

  private TestService service(TestService.Handler handler) {
    return QueueService.instance(TestService.class, key, () -> new TestService(handler));
  }

  /** A service stuck on its first item ("blocker") until {@link #release} completes. */
  private TestService stuckService() throws InterruptedException {
    TestService service = service(item -> item.equals("blocker") ? release : null);
    service.send("blocker");
    Await.until(
        "the consumer holds the blocker",
        () -> service.events.contains("handle blocker on GlobalEventLoopThread"));
    return service;
  }

  @Test
  void drainReturnsOnlyAfterEveryAcceptedItemIsHandled() throws Exception {
    TestService service = stuckService();
    for (int i = 0; i < 100; i++) {
      service.send("item-" + i);
    }
    CompletableFuture<Void> drained = CompletableFuture.runAsync(service::drain);
    Await.until("the drain closed the service", () -> !service.isRunning());
    assertFalse(drained.isDone(), "drain returned while 101 items were pending");
    assertThrows(IllegalStateException.class, () -> service.send("after drain began"));

    release.complete(null);
    drained.get(20, TimeUnit.SECONDS);
    assertEquals(101, service.handled.size(), "all handled when drain returned");
    assertEquals(0, service.pendingCount());
    assertTrue(service.isStopped());
  }

  @Test
  void drainWaitsForAsyncHandlersRunningOnOtherThreads() {
    TestService service =
        service(
            item ->
                FromAsync.callInNewThread(
                    () -> {
                      Thread.yield();
                      return null;
                    }));
    for (int i = 0; i < 50; i++) {
      service.send("item-" + i);
    }
    service.drain();
    assertEquals(50, service.handled.size());
  }

  @Test
  void drainAsyncOnTheGlobalLoopCompletesAfterEveryAcceptedItemIsHandled() {
    TestService service = service(item -> FromAsync.callInNewThread(() -> null));
    Integer handled =
        FromSync.callInLoopThread(
            Call.ofAsync(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    service.send("item-" + i);
                  }
                  return service.drainAsync().thenApply(done -> service.handled.size());
                }),
            Duration.ofSeconds(20));
    assertEquals(20, handled);
  }

  @Test
  void drainWithATimeoutReturnsFalseWhileTheConsumerIsStuck() throws Exception {
    TestService service = stuckService();
    assertFalse(service.drain(Duration.ofMillis(100)));
    release.complete(null);
    assertTrue(service.drain(Duration.ofSeconds(20)));
  }

  @Test
  void drainAllRespectsItsTimeoutWithAStuckConsumer() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      TestService service = stuckService();
      service.send("queued");
      long start = System.nanoTime();
      assertFalse(QueueService.drainAll(TestService.class, Duration.ofMillis(300)));
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMillis >= 250 && tookMillis < 10_000, "took " + tookMillis + " ms");
      assertTrue(
          logs.messages(Level.WARN).stream()
              .anyMatch(m -> m.contains("did not finish draining") && m.contains("2 item(s)")),
          logs.events().toString());

      release.complete(null);
      assertTrue(service.drain(Duration.ofSeconds(20)));
      assertEquals(List.of("blocker", "queued"), service.handled);
    }
  }

  @Test
  void drainAllDrainsEveryInstanceOfTheClass() {
    TestService a = QueueService.instance(TestService.class, "drain-all-a", TestService::recording);
    TestService b = QueueService.instance(TestService.class, "drain-all-b", TestService::recording);
    for (int i = 0; i < 100; i++) {
      a.send("a" + i);
      b.send("b" + i);
    }
    assertTrue(QueueService.drainAll(TestService.class, Duration.ofSeconds(20)));
    assertTrue(a.isStopped() && b.isStopped());
    assertEquals(100, a.handled.size());
    assertEquals(100, b.handled.size());
  }

  @Test
  void waitUntilEmptyReturnsOnceEarlierItemsAreHandledAndTheServiceGoesOn() {
    TestService service = service(item -> FromAsync.callInNewThread(() -> null));
    for (int i = 0; i < 30; i++) {
      service.send("item-" + i);
    }
    service.waitUntilEmpty();
    assertEquals(30, service.handled.size());
    assertTrue(service.isRunning());
    service.send("later");
    assertTrue(service.waitUntilEmpty(Duration.ofSeconds(20)));
    assertEquals(31, service.handled.size());
  }

  @Test
  void waitUntilEmptyWithATimeoutReturnsFalseWhileTheConsumerIsStuck() throws Exception {
    TestService service = stuckService();
    assertFalse(service.waitUntilEmpty(Duration.ofMillis(100)));
    assertTrue(service.isRunning(), "waiting does not stop the service");
  }

  @Test
  void blockingWaitsOnTheGlobalLoopThreadFailFast() {
    TestService service = service(item -> null);
    List<String> outcomes =
        FromSync.callInLoopThread(
            Call.of(
                () ->
                    List.of(
                        failure(service::waitUntilEmpty),
                        failure(
                            () -> QueueService.drainAll(TestService.class, Duration.ofSeconds(1))),
                        failure(service::drain))),
            Duration.ofSeconds(20));
    assertEquals(
        List.of("IllegalStateException", "IllegalStateException", "IllegalStateException"),
        outcomes);
    assertTrue(service.isRunning(), "a drain that failed fast did not stop the service");
  }

  private static String failure(Runnable action) {
    try {
      action.run();
      return "returned";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  @Test
  void aDrainStartedWithTheInterruptFlagSetThrowsCompletionExceptionAndKeepsTheFlag()
      throws Exception {
    TestService service = stuckService();
    Thread.currentThread().interrupt();
    CompletionException e = assertThrows(CompletionException.class, service::drain);
    assertInstanceOf(InterruptedException.class, e.getCause());
    assertTrue(Thread.interrupted(), "the flag is still set");
    assertFalse(service.isRunning(), "the drain began anyway");
  }

  @Test
  void anInterruptDuringDrainThrowsCompletionExceptionAndKeepsTheFlag() throws Exception {
    TestService service = stuckService();
    Thread waiter = Thread.currentThread();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                Await.until(
                    "the test thread waits in drain",
                    () -> waiter.getState() == Thread.State.WAITING && !service.isRunning());
              } catch (InterruptedException e) {
                return;
              }
              waiter.interrupt();
            },
            "interrupter");
    interrupter.start();
    CompletionException e = assertThrows(CompletionException.class, service::drain);
    assertTrue(Thread.interrupted(), "the flag is still set");
    interrupter.join();
    assertInstanceOf(InterruptedException.class, e.getCause());
  }

  @Test
  void aDrainingServiceLogsHowManyItemsRemainPeriodically() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      TestService service =
          QueueService.instance(
              TestService.class,
              key,
              () ->
                  new TestService(item -> item.equals("blocker") ? release : null)
                      .progressEvery(Duration.ofMillis(20)));
      service.send("blocker");
      for (int i = 0; i < 10; i++) {
        service.send("item-" + i);
      }
      service.drainAsync();
      Await.until(
          "two progress logs",
          () ->
              logs.messages(Level.INFO).stream()
                      .filter(m -> m.contains("is draining: 11 item(s) still to handle"))
                      .count()
                  >= 2,
          () -> logs.events().toString());
      release.complete(null);
      service.drain();
    }
  }

  @Test
  void lifespanHooksRunAroundTheConsumerOnTheGlobalLoop() throws Exception {
    CompletableFuture<Void> setUp = new CompletableFuture<>();
    TestService service =
        QueueService.instance(
            TestService.class, key, () -> TestService.recording().startingWith(ignored -> setUp));
    service.send("a");
    Await.until("onStart ran", () -> !service.events.isEmpty());
    assertEquals(
        List.of("start on GlobalEventLoopThread"), service.events, "items wait for onStart");
    assertEquals(1, service.pendingCount());

    setUp.complete(null);
    service.drain();
    assertEquals(
        List.of(
            "start on GlobalEventLoopThread",
            "handle a on GlobalEventLoopThread",
            "stop on GlobalEventLoopThread"),
        service.events);
  }

  @Test
  void itemsAcceptedBeforeAFailedStartAreReportedAsNotHandled() throws Exception {
    CompletableFuture<Void> setUp = new CompletableFuture<>();
    try (LogCapture logs = LogCapture.start()) {
      TestService service =
          QueueService.instance(
              TestService.class, key, () -> TestService.recording().startingWith(ignored -> setUp));
      for (int i = 0; i < 5; i++) {
        service.send("item-" + i);
      }
      setUp.completeExceptionally(new IllegalStateException("no connection"));
      assertTrue(service.drain(Duration.ofSeconds(20)), "a failed service is stopped");
      assertTrue(service.handled.isEmpty());
      assertEquals(0, service.pendingCount());
      assertTrue(
          logs.messages(Level.WARN).stream()
              .anyMatch(m -> m.contains("did not handle 5 accepted item(s)")),
          logs.events().toString());
      assertFalse(service.events.stream().anyMatch(e -> e.startsWith("stop")), "no onStop");
    }
  }

  @Test
  void theGlobalLoopShuttingDownDrainsItsServicesAndANewLoopGetsNewOnes() {
    TestService first = service(item -> FromAsync.callInNewThread(() -> null));
    for (int i = 0; i < 50; i++) {
      first.send("item-" + i);
    }
    Portals.waitForGlobalLoopExit(Duration.ofSeconds(20));
    assertTrue(first.isStopped());
    assertEquals(50, first.handled.size());

    TestService second = service(item -> FromAsync.callInNewThread(() -> null));
    assertNotSame(first, second);
    for (int i = 0; i < 50; i++) {
      second.send("item-" + i);
    }
    Portals.waitForGlobalLoopExit(Duration.ofSeconds(20)); // the new loop drains it as well
    assertTrue(second.isStopped());
    assertEquals(50, second.handled.size());
  }

  @Test
  void noThreadsAreLeftBehindAfterDrain() throws Exception {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    TestService service = service(item -> FromAsync.callInNewThread(() -> null));
    for (int i = 0; i < 20; i++) {
      service.send("item-" + i);
    }
    service.drain();
    Await.until(
        "only the shared portal4j threads remain",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .allMatch(
                    t ->
                        t.getName().equals("GlobalEventLoopThread")
                            || t.getName().equals("portal4j-timeout-scheduler")));
  }

  @Test
  void aStoppedServiceIsGarbageCollectable() throws Exception {
    WeakReference<TestService> ref = useAndDrainAService();
    // The loop thread's last task (the service's final step) may still sit in a local variable
    // of the loop until it takes its next task: give it one.
    FromSync.callInLoopThread(() -> null, Duration.ofSeconds(10));
    Await.until(
        "the stopped service was collected",
        () -> {
          System.gc();
          return ref.get() == null;
        });
  }

  private WeakReference<TestService> useAndDrainAService() {
    TestService service =
        QueueService.instance(
            TestService.class,
            key,
            () ->
                new TestService(10, item -> FromAsync.callInNewThread(() -> null))
                    .progressEvery(Duration.ofMillis(10)));
    for (int i = 0; i < 50; i++) {
      service.send("item-" + i);
    }
    service.drain();
    return new WeakReference<>(service);
  }
}

package org.portal4j.examples.customportal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/** Surefire runs this module's tests with {@code -Dportal4j.worker=executor}, as a user would. */
@CheckThreadLeaks
@Timeout(60)
class ExecutorServicePortalProviderTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private ExecutorService pool;

  @BeforeEach
  void useAnApplicationPool() {
    AtomicInteger count = new AtomicInteger();
    pool =
        Executors.newFixedThreadPool(
            2, task -> new Thread(task, "app-pool-" + count.incrementAndGet()));
    ExecutorServicePortalProvider.use(pool);
  }

  @AfterEach
  void stopThePool() throws InterruptedException {
    ExecutorServicePortalProvider.reset();
    pool.shutdown();
    assertTrue(pool.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void autoServiceRegistersTheProviderForTheServiceLoader() {
    assertTrue(
        ServiceLoader.load(PortalProvider.class).stream()
            .anyMatch(p -> p.type() == ExecutorServicePortalProvider.class));
  }

  @Test
  void theWorkerPropertySelectsTheExecutorBackendAndLeavesLoopsAlone() {
    assertEquals("executor", Portals.backends().get(PortalKind.WORKER));
    assertEquals("platform", Portals.backends().get(PortalKind.LOOP));
  }

  @Test
  void newWorkerThreadRunsCallsOnTheApplicationPool() throws Exception {
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      assertInstanceOf(ExecutorServiceWorkerPortal.class, worker);
      String thread = worker.submit(() -> Thread.currentThread().getName()).result(DEADLINE);
      assertTrue(thread.startsWith("app-pool-"), thread);
    }
  }

  @Test
  void callInNewThreadRunsOnTheApplicationPool() {
    String thread = FromSync.callInNewThread(() -> Thread.currentThread().getName(), DEADLINE);
    assertTrue(thread.startsWith("app-pool-"), thread);
  }

  @Test
  void aCallOnThePoolCanSendWorkBackToTheWaitingThread() {
    String waiting = Thread.currentThread().getName();

    String ranOn =
        FromSync.callInNewThread(
            () ->
                Waiters.current()
                    .orElseThrow()
                    .submit(Call.of(() -> Thread.currentThread().getName()))
                    .result(DEADLINE),
            DEADLINE);

    assertEquals(waiting, ranOn);
  }

  @Test
  void withoutAnExecutorNewWorkersFailWithAHintSayingWhatToCall() {
    ExecutorServicePortalProvider.reset();

    IllegalStateException e = assertThrows(IllegalStateException.class, Portals::newWorkerThread);

    assertTrue(e.getMessage().contains("ExecutorServicePortalProvider.use("), e.getMessage());
  }
}

package org.portal4j.examples.customportal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;
import org.portal4j.test.tck.WorkerPortalTck;

/**
 * The executor backend keeps the worker contract, as a third-party backend checks it: by extending
 * the TCK. Its portals run on a pool they do not own, so they own no thread of their own (and so
 * cannot be checked for deadlocks on it): the tests that need that are reported as skipped.
 */
@CheckThreadLeaks(ignore = "conformance-pool-\\d+") // the pool lives for the whole class
class ExecutorServiceWorkerPortalConformanceTest extends WorkerPortalTck {

  private static ExecutorService pool;

  @BeforeAll
  static void useAPool() {
    AtomicInteger count = new AtomicInteger();
    // Big enough for every call a test blocks at once, each portal holding at most one thread.
    pool =
        Executors.newFixedThreadPool(
            16,
            task -> {
              Thread thread = new Thread(task, "conformance-pool-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    ExecutorServicePortalProvider.use(pool);
  }

  @AfterAll
  static void stopThePool() throws InterruptedException {
    ExecutorServicePortalProvider.reset();
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the pool did not terminate");
    }
  }

  @Override
  protected PortalProvider provider() {
    return new ExecutorServicePortalProvider();
  }

  @Override
  protected boolean portalOwnsOneThread() {
    return false;
  }

  @Override
  protected String generatedNamePrefix() {
    return "ExecutorWorker";
  }
}

package org.portal4j.examples.customportal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.portal4j.FromSync;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;

/**
 * Both custom portals at work. Run with {@code -Dportal4j.worker=executor}:
 *
 * <ol>
 *   <li>worker portals (and {@code FromSync.callInNewThread}) run on the application's own pool,
 *       through {@link ExecutorServicePortalProvider};
 *   <li>a pool thread asks the main thread for something through a {@link UserThreadPortal} that
 *       main pumps.
 * </ol>
 */
public final class CustomPortalsDemo {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private CustomPortalsDemo() {}

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2, named("app-pool-"));
    ExecutorServicePortalProvider.use(pool);
    try {
      String worker = Portals.backends().get(PortalKind.WORKER);
      System.out.println("worker backend: " + worker);
      if (!ExecutorServicePortalProvider.NAME.equals(worker)) {
        System.out.println("(run with -Dportal4j.worker=executor to put workers on the pool)");
      }

      // 1. A worker portal from the chosen backend: its calls run on the pool.
      try (WorkerPortal portal = Portals.newWorkerThread()) {
        System.out.println(
            "worker call ran on " + portal.submit(CustomPortalsDemo::threadName).result(DEADLINE));
      }
      System.out.println(
          "callInNewThread ran on "
              + FromSync.callInNewThread(CustomPortalsDemo::threadName, DEADLINE));

      // 2. A pool thread needs the main thread: it calls in through main's portal and waits,
      //    while main pumps that portal.
      UserThreadPortal mainPortal = UserThreadPortal.forCurrentThread("main-portal");
      Future<String> asker =
          pool.submit(
              () -> FromSync.callIn(mainPortal, () -> "answered on " + threadName(), DEADLINE));
      if (!mainPortal.runNext(DEADLINE)) {
        throw new IllegalStateException("The pool thread never called in");
      }
      System.out.println(
          "a pool thread asked main and got: " + asker.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    } finally {
      ExecutorServicePortalProvider.reset();
      pool.shutdown();
      if (!pool.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        System.out.println("the pool did not stop in time");
      }
    }
  }

  private static String threadName() {
    return Thread.currentThread().getName();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> new Thread(task, prefix + count.incrementAndGet());
  }
}

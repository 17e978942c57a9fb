package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Waiters": a waiter is fully constructed before any other thread can see it. A call
 * body that finds its waiter through {@link Waiters#of} the moment it is registered and submits a
 * callback to it must never hit a half-built waiter.
 */
@CheckThreadLeaks
@Timeout(120)
class WaiterPublicationTest {

  private static final int ROUNDS = 5_000;
  private static final int BALLAST = 10_000;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aCallbackSubmittedTheMomentTheWaiterIsRegisteredRunsOnTheOwner() throws Exception {
    // Ballast: unawaited waiters of this thread (each leaves with its call). Registering a waiter
    // copies the thread's waiter list after publishing the waiter by its call, so the ballast
    // widens the window in which a half-built waiter is visible; it changes nothing else.
    List<Call<?>> ballast = new ArrayList<>();
    for (int i = 0; i < BALLAST; i++) {
      Call<?> idle = Call.of(() -> null);
      Waiters.sync(idle);
      ballast.add(idle);
    }
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      for (int round = 0; round < ROUNDS; round++) {
        AtomicReference<Call<String>> self = new AtomicReference<>();
        CountDownLatch spinning = new CountDownLatch(1);
        Call<String> call =
            Call.of(
                "finds-its-waiter",
                () -> {
                  spinning.countDown();
                  Waiter<?> waiter = spinUntilWaiterOf(self.get());
                  return waiter.submit(Call.of(() -> Thread.currentThread().getName())).result();
                });
        self.set(call);
        worker.submit(call);
        // Create the waiter only while the body already spins, looking for it.
        assertTrue(spinning.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        SyncWaiter<String> waiter = Waiters.sync(call);
        waiter.await();

        try {
          assertEquals(Thread.currentThread().getName(), call.result(WAIT), "round " + round);
        } catch (NullPointerException e) {
          throw new AssertionError(
              "round " + round + ": the body saw a waiter that was not fully constructed", e);
        }
      }
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    } finally {
      ballast.forEach(Call::cancel);
    }
  }

  private static Waiter<?> spinUntilWaiterOf(Call<?> call) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      var waiter = Waiters.of(call);
      if (waiter.isPresent()) {
        return waiter.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no waiter appeared for " + call);
      }
      Thread.onSpinWait();
    }
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * A portal over an executor (a Netty loop, a pool) runs on threads it does not own. An interrupt
 * that reaches such a thread outside any call is not the next call's: the drain holds it back while
 * it runs calls, and gives it back to the thread when it hands the thread back to the executor,
 * whose owner decides what it means. Found by the portal TCK on Netty loops, where the flag of an
 * interrupt that arrived with a wake-up reached the next call.
 */
@Timeout(30)
class ExecutorPortalInterruptTest {

  @Test
  void aStrayInterruptOfTheExecutorsThreadIsHeldBackFromCallsAndGivenBackAfterTheDrain() {
    List<Runnable> drains = new CopyOnWriteArrayList<>();
    Executor pumped = drains::add; // the test thread runs each drain itself
    AbstractWorkerPortal portal =
        new AbstractWorkerPortal(PortalOptions.defaults(), "Pumped", pumped) {};
    portal.start();
    drains.remove(0).run(); // the first drain: nothing queued yet
    Call<Boolean> first = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));
    Call<Boolean> second = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));

    Thread.currentThread().interrupt(); // reaches the executor's thread between its tasks
    try {
      drains.remove(0).run();
      assertTrue(Thread.currentThread().isInterrupted(), "the drain swallowed the interrupt");
    } finally {
      Thread.interrupted();
    }

    assertFalse(first.result(), "the first call ran with the interrupt flag set");
    assertFalse(second.result(), "the second call ran with the interrupt flag set");
    portal.shutdown();
    drains.remove(0).run();
    assertTrue(portal.isTerminated());
    assertEquals(List.of(), drains);
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * A portal over an executor that stops taking its drains (a pool shut down by its owner): the calls
 * queued then end cancelled, with the refusal as cause, and one WARN counts them; a shutdown that
 * cannot be drained ends the portal all the same. The test thread runs each drain itself.
 */
@Timeout(30)
class ExecutorPortalRefusalTest {

  private final List<Runnable> drains = new CopyOnWriteArrayList<>();
  private final AtomicBoolean refusing = new AtomicBoolean();
  private final RejectedExecutionException refusal = new RejectedExecutionException("pool closed");

  private final Executor executor =
      task -> {
        if (refusing.get()) {
          throw refusal;
        }
        drains.add(task);
      };

  @Test
  void anExecutorThatRefusesADrainEndsTheQueuedCallsAndCountsThemInAWarn() {
    AbstractWorkerPortal portal =
        new AbstractWorkerPortal(
            PortalOptions.builder().name("refused-drain").build(), "Pumped", executor) {};
    portal.start();
    drains.remove(0).run(); // the first drain: nothing queued yet
    refusing.set(true);

    Call<String> call;
    List<String> warnings;
    try (LogCapture logs = LogCapture.start()) {
      call = portal.submit(Call.of("never-drained", () -> "ran"));
      warnings = logs.messages(Level.WARN);
    }

    assertTrue(call.isCancelled(), "the call the refused drain would have run");
    assertSame(refusal, causeOf(call), "cancelled with the refusal as cause");
    assertEquals(
        List.of(
            "The executor of refused-drain refused to run its calls: cancelled 1 call(s), dropped 0"
                + " task(s)"),
        warnings);

    portal.shutdown(); // its drain is refused too: the portal ends all the same
    assertTrue(portal.isTerminated(), "a shutdown that cannot be drained still ends the portal");
    assertEquals(List.of(), drains);
  }

  private static Throwable causeOf(Call<?> call) {
    try {
      call.result();
      throw new AssertionError(call + " did not fail");
    } catch (RuntimeException e) {
      return e.getCause();
    }
  }
}

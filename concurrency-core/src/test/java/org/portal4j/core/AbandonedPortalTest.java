package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import ch.qos.logback.classic.Level;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.internal.RuntimeBinding;
import org.portal4j.spi.PortalHandle;

/**
 * A portal abandoned at JVM exit ({@link PortalHandle#abandon}) while its thread is busy: its
 * queued calls are cancelled where they are, since the thread may be polling the queue, and once
 * the running call returns the thread runs nothing more it had queued.
 */
class AbandonedPortalTest {

  @Test
  void aLoopAbandonedAtExitRunsNoneOfItsQueuedTasksOnceItsRunningCallReturns() throws Exception {
    LoopPortal loop =
        Portals.newEventLoopThread(
            PortalOptions.builder().name("abandoned-loop").daemon(true).build());
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Call<String> blocker =
        loop.submit(
            Call.of(
                "ignores-interrupts",
                () -> {
                  started.countDown();
                  awaitIgnoringInterrupts(release);
                  return "x";
                }));
    assertTrue(started.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    AtomicBoolean plainTaskRan = new AtomicBoolean();
    AtomicBoolean shutdownCallRan = new AtomicBoolean();
    loop.addShutdownCall(Call.of("at-shutdown", () -> shutdownCallRan.getAndSet(true)));
    Call<String> queued = loop.submit(Call.of("queued", () -> "q"));
    loop.execute(() -> plainTaskRan.set(true));
    loop.shutdown(); // its step is queued behind them

    int cancelled;
    List<String> warnings;
    try (LogCapture logs = LogCapture.start()) {
      cancelled = handleOf(loop).abandon(new CallCancelledException("The JVM exited"));
      warnings = logs.messages(Level.WARN);
    }

    assertEquals(3, cancelled, "the running, the queued and the shutdown call");
    assertTrue(
        warnings.contains(
            "abandoned-loop dropped 1 queued task(s), which will not run: The JVM exited"),
        "the plain task it drops is counted in a WARN: " + warnings);
    assertTrue(blocker.isCancelled());
    assertTrue(queued.isCancelled());
    release.countDown();
    assertTrue(loop.awaitTermination(WAIT), "the abandoned loop's thread did not end");
    assertFalse(plainTaskRan.get(), "a task queued on the abandoned loop ran after the abandon");
    assertFalse(shutdownCallRan.get(), "the abandoned loop ran its shutdown sequence");
  }

  @Test
  void theShutdownCallsBehindAnAsyncOneStillPendingEndCancelledWhenTheLoopIsAbandoned()
      throws Exception {
    LoopPortal loop =
        Portals.newEventLoopThread(
            PortalOptions.builder().name("abandoned-in-shutdown").daemon(true).build());
    Call<Object> pending = Call.ofAsync("awaits-a-reply", CompletableFuture::new);
    Call<String> behind = Call.of("behind-it", () -> "ran");
    loop.addShutdownCall(pending);
    loop.addShutdownCall(behind);
    loop.start();
    loop.shutdown(); // runs the async one, which waits for a reply that never comes
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!(pending.isRunning() || pending.isDone()) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(pending.isRunning(), "the async shutdown call is awaiting its stage");

    handleOf(loop).abandon(new CallCancelledException("The JVM exited"));

    // by the abandon, or by the loop's thread if the abandon came before the call was in flight
    assertThrows(CallCancelledException.class, () -> pending.result(WAIT), "the pending one");
    CallCancelledException ended =
        assertThrows(CallCancelledException.class, () -> behind.result(WAIT), "behind it");
    assertEquals("The JVM exited", ended.getCause().getMessage(), "cancelled with the cause");
    assertTrue(loop.awaitTermination(WAIT), "the abandoned loop's thread did not end");
  }

  private static PortalHandle handleOf(LoopPortal loop) {
    CorePortalSupport support = (CorePortalSupport) RuntimeBinding.runtime().portalSupport();
    return support.live().snapshot().stream()
        .filter(h -> h.portal() == loop)
        .findFirst()
        .orElseThrow(() -> new AssertionError(loop + " is not registered as live"));
  }

  /** Like the body of a call that ignores cancellation; the interrupt is kept, not swallowed. */
  private static void awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

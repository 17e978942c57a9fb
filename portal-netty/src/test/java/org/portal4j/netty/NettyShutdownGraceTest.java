package org.portal4j.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Portals": shutdown is bounded; the grace bounds every shutdown call on every backend,
 * sync ones run inline included. On a Netty loop a blocking sync shutdown call is cancelled (and
 * logged) after the grace, and the loop terminates.
 */
@CheckThreadLeaks
@Timeout(60)
class NettyShutdownGraceTest {

  private static final Duration GRACE = Duration.ofMillis(300);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void aBlockingSyncShutdownCallIsCancelledAfterTheGraceAndTheLoopTerminates() throws Exception {
    LoopPortal loop = NettyPortals.newLoop(PortalOptions.defaults(), GRACE);
    CountDownLatch never = new CountDownLatch(1);
    Call<Object> blocking =
        Call.of(
            "blocking-netty-shutdown-call",
            () -> {
              never.await();
              return null;
            });
    try (LogCapture logs = LogCapture.start()) {
      loop.start();
      loop.addShutdownCall(blocking);
      loop.shutdown();

      boolean terminated = loop.awaitTermination(WAIT);
      never.countDown(); // only now: the loop had to get past the call by itself

      assertTrue(terminated, "a blocking sync shutdown call held the Netty loop past its grace");
      assertTrue(blocking.isCancelled(), "the shutdown call was not cancelled: " + blocking);
      logs.await(
          e ->
              e.getLevel() == Level.WARN
                  && e.getFormattedMessage().contains("blocking-netty-shutdown-call"),
          WAIT);
    } finally {
      never.countDown();
      loop.shutdown();
      assertTrue(loop.awaitTermination(WAIT), loop.name() + " did not terminate");
    }
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Portals": {@code runOnce} is honoured by loops too, as by Prefect's {@code
 * EventLoopThread(run_once=True)}: one call, then the loop shuts itself down; a second submit
 * throws {@link IllegalStateException} with the workers' message. Uses {@link Portals}, so backend
 * modules can re-run it against their loops.
 */
@CheckThreadLeaks
@Timeout(60)
class LoopRunOnceTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String RUN_ONCE_MESSAGE =
      "Worker configured to only run once. A call has already been submitted.";

  private final CountDownLatch release = new CountDownLatch(1);
  private LoopPortal loop;

  @AfterEach
  void shutDown() throws InterruptedException {
    release.countDown();
    if (loop != null) {
      loop.shutdown();
      assertTrue(loop.awaitTermination(WAIT), loop.name() + " did not terminate");
    }
  }

  @Test
  void aRunOnceLoopRunsOneCallRefusesASecondAndShutsItselfDown() throws Exception {
    loop = Portals.newEventLoopThread(PortalOptions.builder().runOnce(true).build());
    Call<String> first =
        loop.submit(
            Call.of(
                () -> {
                  assertTrue(release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                  return "first";
                }));

    Call<String> whileRunning = Call.of(() -> "second");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> loop.submit(whileRunning));
    assertEquals(RUN_ONCE_MESSAGE, e.getMessage());
    assertFalse(whileRunning.runner().isPresent(), "a refused call must not get a runner");

    release.countDown();
    assertEquals("first", first.result(WAIT));
    assertTrue(loop.awaitTermination(WAIT), "the loop did not shut itself down after its call");
    assertTrue(loop.isShutdown());
    IllegalStateException after =
        assertThrows(IllegalStateException.class, () -> loop.submit(Call.of(() -> "third")));
    assertEquals(RUN_ONCE_MESSAGE, after.getMessage());
  }
}

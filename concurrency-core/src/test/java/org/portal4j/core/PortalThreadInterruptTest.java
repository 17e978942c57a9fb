package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Conventions": never swallow an interrupt. An interrupt that reaches an idle worker's
 * or loop's thread (no call running, so nobody to deliver it to) does not kill the portal, and the
 * next call runs with the thread's interrupt flag clear. Platform threads only (found by name).
 */
@CheckThreadLeaks
@Timeout(60)
class PortalThreadInterruptTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private WorkerPortal portal;

  @AfterEach
  void shutDown() throws InterruptedException {
    if (portal != null) {
      portal.shutdown();
      assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    }
  }

  enum Kind {
    WORKER,
    LOOP
  }

  private static Thread onlyThreadNamed(String name) {
    List<Thread> found =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().contains(name))
            .collect(Collectors.toList());
    assertEquals(1, found.size(), "threads named " + name + ": " + found);
    return found.get(0);
  }

  private static boolean idle(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void interruptingAnIdlePortalThreadNeitherKillsItNorLeaksIntoTheNextCall(Kind kind)
      throws Exception {
    String name = "interrupted-" + kind + "-" + System.nanoTime();
    PortalOptions options = PortalOptions.builder().name(name).build();
    portal =
        kind == Kind.WORKER
            ? Portals.newWorkerThread(options)
            : Portals.newEventLoopThread(options);
    portal.submit(() -> "started").result(WAIT);
    Thread thread = onlyThreadNamed(name);
    CallTestSupport.awaitCondition(() -> idle(thread), name + " is idle");

    thread.interrupt();
    // The idle thread takes the interrupt as a wake-up and parks again: left set, the flag would
    // make every park return at once and the thread spin until its next call.
    CallTestSupport.awaitCondition(
        () -> !thread.isInterrupted() && idle(thread), name + " dropped the interrupt and parked");

    Call<Boolean> next = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));
    assertFalse(next.result(WAIT), "the next call ran with the interrupt flag set");
    assertTrue(portal.isRunning(), "the portal died");
    assertTrue(thread.isAlive(), "the portal's thread died");
    assertEquals("still works", portal.submit(() -> "still works").result(WAIT));
  }
}

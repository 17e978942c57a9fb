package org.portal4j.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.core.ChildJvm;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Portals": {@code daemon} is honoured on every backend, the virtual one included: a
 * non-daemon worker keeps the JVM alive while it has queued or running calls; a daemon one does
 * not. The JVM cases run {@link NonDaemonExitMain} in a child JVM with this module's class path.
 */
@CheckThreadLeaks
@Timeout(120)
class VirtualDaemonTest {

  /** How long a child may take; the calls it waits for take well under a second. */
  private static final Duration CHILD_LIMIT = Duration.ofSeconds(40);

  /** A child whose only work is a daemon worker's minute-long call must be gone well before. */
  private static final long DAEMON_EXIT_LIMIT_MILLIS = 30_000;

  private static ChildJvm.Run runChild(String scenario) throws Exception {
    ChildJvm.Run run = ChildJvm.of(NonDaemonExitMain.class).args(scenario).run(CHILD_LIMIT);
    assertTrue(run.output().contains("WORKER=virtual"), "not the virtual backend: " + run);
    return run;
  }

  @Test
  void aNonDaemonVirtualWorkerSaysItIsNotADaemon() {
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      assertInstanceOf(VirtualWorkerPortal.class, worker);
      assertFalse(worker.isDaemon(), "PortalOptions.defaults() is not a daemon");
    }
  }

  @Test
  void aDaemonVirtualWorkerSaysItIsADaemon() {
    try (WorkerPortal worker =
        Portals.newWorkerThread(PortalOptions.builder().daemon(true).build())) {
      assertTrue(worker.isDaemon());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"worker", "callSoonInNewThread"})
  void aNonDaemonVirtualWorkerKeepsTheJvmAliveUntilItsCallsRan(String scenario) throws Exception {
    ChildJvm.Run run = runChild(scenario);

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.printed(NonDaemonExitMain.RUNNING_MARKER), "the running call was lost: " + run);
    if (scenario.equals("worker")) {
      assertTrue(run.printed(NonDaemonExitMain.QUEUED_MARKER), "the queued call was lost: " + run);
    }
  }

  @Test
  void aDaemonVirtualWorkerDoesNotKeepTheJvmAlive() throws Exception {
    long start = System.currentTimeMillis();
    ChildJvm.Run run = runChild("daemon-worker");

    assertEquals(0, run.exitCode(), run.toString());
    assertFalse(run.printed(NonDaemonExitMain.RUNNING_MARKER), run.toString());
    long took = run.exitedAtMillis() - start;
    assertTrue(took < DAEMON_EXIT_LIMIT_MILLIS, "the child ran " + took + " ms: " + run);
  }
}

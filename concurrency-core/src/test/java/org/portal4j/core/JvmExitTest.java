package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "JVM exit loses nothing silently", each case in a child JVM running {@link
 * JvmExitMain}: a shutdown hook shuts the global loop down within its grace (its shutdown calls
 * run); calls still queued in any portal when the JVM goes are cancelled, and one WARN per portal
 * says how many; {@code System.exit} on the global loop's own thread does not wait for that loop to
 * drain, and its WARN says so and counts what is left.
 *
 * <p>The WARN checks are loose on purpose: the fragments below must appear in one WARN line.
 */
@CheckThreadLeaks
@Timeout(120)
class JvmExitTest {

  /** The global loop's name, expected in its WARN. */
  private static final String GLOBAL_LOOP = CoreRuntime.GLOBAL_LOOP_NAME;

  /**
   * Accepted counts of cancelled calls behind a blocked portal: the queued calls, or the queued
   * calls and the blocked one, whichever the WARN counts.
   */
  private static final List<Integer> CANCELLED_COUNTS =
      List.of(JvmExitMain.QUEUED, JvmExitMain.QUEUED + 1);

  /** Expected in the WARN of an exit called on the global loop thread. */
  private static final String SYSTEM_EXIT = "System.exit";

  /** Calls the loop held when exit was called on it: those queued, and the one that called exit. */
  private static final int CALLS_LEFT = JvmExitMain.QUEUED + 1;

  /** How long a child may run at all. */
  private static final Duration CHILD_LIMIT = Duration.ofSeconds(60);

  /** How long after System.exit on the loop the child must be gone. */
  private static final Duration EXIT_ON_LOOP_LIMIT = Duration.ofSeconds(8);

  private static ChildJvm.Run run(String scenario, String... jvmOptions) throws Exception {
    return ChildJvm.of(JvmExitMain.class).jvmOptions(jvmOptions).args(scenario).run(CHILD_LIMIT);
  }

  /** Whether one WARN line names {@code portal} and one of {@code counts} (as a whole number). */
  private static boolean warnsWith(ChildJvm.Run run, String portal, List<Integer> counts) {
    return run.warnings().stream()
        .anyMatch(
            line ->
                line.contains(portal)
                    && counts.stream()
                        .anyMatch(n -> Pattern.compile("\\b" + n + "\\b").matcher(line).find()));
  }

  private static boolean allQueuedCallsRan(ChildJvm.Run run) {
    return IntStream.range(0, JvmExitMain.QUEUED).allMatch(i -> run.printed("ran queued-" + i));
  }

  @Test
  void callsQueuedOnTheGlobalLoopAtExitRunOrAreCountedInAWarnNamingTheLoop() throws Exception {
    ChildJvm.Run run = run("global-loop-queued");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(
        allQueuedCallsRan(run) || warnsWith(run, GLOBAL_LOOP, CANCELLED_COUNTS),
        "the queued calls neither ran nor were reported: " + run);
  }

  @Test
  void theGlobalLoopsShutdownCallsRunAtANormalExit() throws Exception {
    ChildJvm.Run run = run("global-loop-shutdown-call");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.printed(JvmExitMain.SHUTDOWN_CALL_RAN), "no shutdown call ran: " + run);
  }

  @Test
  void callsQueuedOnADaemonWorkerAtExitAreCountedInAWarnNamingTheWorker() throws Exception {
    ChildJvm.Run run = run("daemon-worker-queued");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(
        warnsWith(run, JvmExitMain.DAEMON_WORKER, CANCELLED_COUNTS),
        "expected a WARN naming "
            + JvmExitMain.DAEMON_WORKER
            + " and the number of cancelled calls "
            + CANCELLED_COUNTS
            + ": "
            + run);
  }

  @Test
  void systemExitOnTheGlobalLoopDoesNotWaitForItToDrainAndWarnsWhatIsLeft() throws Exception {
    ChildJvm.Run run = run("exit-on-global-loop", "-Dportal4j.services.exitTimeout=PT20S");

    assertEquals(0, run.exitCode(), run.toString());
    long exitCalledAt =
        run.lines().stream()
            .filter(l -> l.startsWith(JvmExitMain.EXIT_CALLED_AT))
            .mapToLong(l -> Long.parseLong(l.substring(JvmExitMain.EXIT_CALLED_AT.length())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("System.exit was never called: " + run));
    long exitMillis = run.exitedAtMillis() - exitCalledAt;
    assertTrue(
        exitMillis < EXIT_ON_LOOP_LIMIT.toMillis(),
        "the JVM took " + exitMillis + " ms to exit after System.exit on the loop: " + run);
    assertTrue(
        run.warnings().stream()
            .anyMatch(
                line ->
                    line.contains(SYSTEM_EXIT)
                        && line.contains(GLOBAL_LOOP)
                        && Pattern.compile("\\b" + CALLS_LEFT + "\\b").matcher(line).find()),
        "expected a WARN saying "
            + SYSTEM_EXIT
            + " was called on "
            + GLOBAL_LOOP
            + " with "
            + CALLS_LEFT
            + " call(s) left: "
            + run);
  }
}

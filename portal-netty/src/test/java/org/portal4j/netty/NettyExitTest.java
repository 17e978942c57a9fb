package org.portal4j.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.core.ChildJvm;

/**
 * A program that used the Netty backend exits as soon as its {@code main} returns. Netty runs the
 * termination listeners of its event loop groups on its {@code GlobalEventExecutor}, a non-daemon
 * thread that lingers for a quiet period after its last task (about a second by default): a loop
 * portal over a group kept the JVM alive that long after the portal was shut down.
 *
 * <p>The child sets that quiet period to {@value #NETTY_QUIET_PERIOD_SECONDS} s, so that a
 * regression shows as a delay far above {@link #EXIT_LIMIT} however slow the machine, and the limit
 * can be generous.
 */
@Timeout(120)
class NettyExitTest {

  private static final int NETTY_QUIET_PERIOD_SECONDS = 10;

  /** From {@code main}'s return to the child's exit; well under the quiet period above. */
  private static final Duration EXIT_LIMIT = Duration.ofSeconds(4);

  @Test
  void theJvmExitsPromptlyAfterMainReturns() throws Exception {
    ChildJvm.Run run =
        ChildJvm.of(NettyExitMain.class)
            .jvmOptions(
                "-Dio.netty.globalEventExecutor.quietPeriodSeconds=" + NETTY_QUIET_PERIOD_SECONDS)
            .run(Duration.ofSeconds(60));

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.output().contains("LOOP=netty"), "not the Netty backend: " + run);
    long mainReturnedAt =
        run.lines().stream()
            .filter(line -> line.startsWith(NettyExitMain.RETURNS_AT))
            .mapToLong(line -> Long.parseLong(line.substring(NettyExitMain.RETURNS_AT.length())))
            .findFirst()
            .orElseThrow(() -> new AssertionError("main did not return: " + run));
    long exitMillis = run.exitedAtMillis() - mainReturnedAt;
    assertTrue(
        exitMillis < EXIT_LIMIT.toMillis(),
        "the JVM took " + exitMillis + " ms to exit after main returned: " + run);
  }
}

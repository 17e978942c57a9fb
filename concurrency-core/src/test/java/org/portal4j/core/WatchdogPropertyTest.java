package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dportal4j.watchdog} in a real JVM: a good value turns the watchdog on when the runtime is
 * bound, and its daemon thread lets the JVM exit; a bad value is one WARN and the watchdog is off.
 */
class WatchdogPropertyTest {

  private static final Duration LIMIT = Duration.ofSeconds(40);

  @Test
  void aGoodValueTurnsTheWatchdogOnAndItsThreadLetsTheJvmExit() throws Exception {
    ChildJvm.Run run =
        ChildJvm.of(WatchdogPropertyMain.class).jvmOptions("-Dportal4j.watchdog=250ms").run(LIMIT);
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.printed("threshold=PT0.25S"), run.toString());
    assertTrue(run.printed("daemon thread=true"), run.toString());
    assertEquals(List.of(), run.warnings(), run.toString());
  }

  @Test
  void aBadValueIsOneWarnAndTheWatchdogStaysOff() throws Exception {
    ChildJvm.Run run =
        ChildJvm.of(WatchdogPropertyMain.class)
            .jvmOptions("-Dportal4j.watchdog=5 parsecs")
            .run(LIMIT);
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.printed("threshold=off"), run.toString());
    assertTrue(run.printed("daemon thread=false"), run.toString());
    assertEquals(1, run.warnings().size(), run.toString());
    assertTrue(
        run.warnings()
            .get(0)
            .endsWith(
                "org.portal4j.watchdog - Ignoring -Dportal4j.watchdog=5 parsecs: expected a"
                    + " duration such as 500ms, 5s, 2m, 1h or PT5S; the watchdog stays off"),
        run.toString());
  }
}

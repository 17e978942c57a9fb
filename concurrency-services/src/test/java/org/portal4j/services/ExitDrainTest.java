package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.portal4j.core.ChildJvm;
import org.portal4j.test.CheckThreadLeaks;

/** Runs {@link ExitDrainMain} in a child JVM: what happens to queued items when a JVM exits. */
@CheckThreadLeaks
@Timeout(60)
class ExitDrainTest {

  @TempDir Path dir;

  /** Runs the child, failing the test if it runs longer than {@code limit}. */
  private static ChildJvm.Run runChild(Duration limit, String exitTimeout, String... args)
      throws Exception {
    return ChildJvm.of(ExitDrainMain.class)
        .jvmOptions("-Dportal4j.services.exitTimeout=" + exitTimeout)
        .args(args)
        .run(limit);
  }

  private static List<String> items(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "item-" + i).collect(Collectors.toList());
  }

  @Test
  void itemsSentBeforeANormalExitAreAllHandledBeforeTheJvmEnds() throws Exception {
    Path file = dir.resolve("handled.txt");
    ChildJvm.Run run = runChild(Duration.ofSeconds(40), "PT20S", file.toString(), "1000", "normal");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(items(0, 1000), Files.readAllLines(file), run.output());
  }

  /** With a 500 ms exit timeout the child is gone well before the 10 s default would allow. */
  @Test
  void exitWaitsNoLongerThanTheExitTimeoutForAStuckConsumer() throws Exception {
    Path file = dir.resolve("handled.txt");
    ChildJvm.Run run =
        runChild(Duration.ofSeconds(8), "500", file.toString(), "1000", "stuck", "600");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(items(0, 600), readLines(file), run.output());
  }

  private static List<String> readLines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}

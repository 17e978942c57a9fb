package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.portal4j.test.CheckThreadLeaks;

/** Runs {@link ExitDrainMain} in a child JVM: what happens to queued items when a JVM exits. */
@CheckThreadLeaks
@Timeout(60)
class ExitDrainTest {

  @TempDir Path dir;

  /** The child's output and how long it ran. */
  private record Run(int exitCode, String output, long millis) {}

  private static Run runChild(String exitTimeout, String... args) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xshare:off");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dportal4j.services.exitTimeout=" + exitTimeout);
    command.add(ExitDrainMain.class.getName());
    command.addAll(List.of(args));
    long start = System.nanoTime();
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!child.waitFor(40, TimeUnit.SECONDS)) {
        throw new AssertionError("The child JVM did not exit within 40 s");
      }
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Run(
          child.exitValue(), output, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      child.destroyForcibly();
    }
  }

  private static List<String> items(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "item-" + i).collect(Collectors.toList());
  }

  @Test
  void itemsSentBeforeANormalExitAreAllHandledBeforeTheJvmEnds() throws Exception {
    Path file = dir.resolve("handled.txt");
    Run run = runChild("PT20S", file.toString(), "1000", "normal");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(items(0, 1000), Files.readAllLines(file), run.output());
  }

  @Test
  void exitWaitsNoLongerThanTheExitTimeoutForAStuckConsumer() throws Exception {
    Path file = dir.resolve("handled.txt");
    Run run = runChild("500", file.toString(), "1000", "stuck", "600");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(items(0, 600), readLines(file), run.output());
    assertTrue(run.millis() < 30_000, "the child ran " + run.millis() + " ms");
  }

  private static List<String> readLines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}

package org.portal4j.jcstress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs this module's jcstress tests (the {@code @JCStressTest} classes beside this one) in
 * jcstress's own JVMs and fails if any outcome was forbidden or any test erred.
 *
 * <p>Lincheck (model-tests) checks the state machines on a sequentially consistent memory; these
 * run the handshakes on the real one, where a store may show after a later load. The waiting
 * threads spin 0 times ({@code portal4j.spins}), so that every wait that is not answered at once
 * pushes itself on the call's stack: that handshake is what is tested.
 *
 * <p>System properties: {@code jcstress.mode} (sanity, quick, default, tough, stress; CI runs
 * quick), {@code jcstress.tests} (a regex of test names), {@code jcstress.results} (the report's
 * directory; {@code index.html} and {@code run.log} are written there).
 */
class JcstressSuiteTest {

  /** Longer than quick mode takes for every test here on 2 cores (about 3 minutes). */
  private static final long LIMIT_MINUTES = 30;

  @Test
  void noForbiddenOutcomeAndNoErrorOnTheRealMemoryModel() throws Exception {
    Path results =
        Path.of(System.getProperty("jcstress.results", "target/jcstress")).toAbsolutePath();
    Files.createDirectories(results);
    Path log = results.resolve("run.log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.openjdk.jcstress.Main");
    command.add("-m");
    command.add(System.getProperty("jcstress.mode", "quick"));
    command.add("-t");
    command.add(System.getProperty("jcstress.tests", "org\\.portal4j\\."));
    command.add("-r");
    command.add(results.toString());
    command.add("-jvmArgsPrepend");
    command.add("-Dportal4j.spins=0 --enable-native-access=ALL-UNNAMED");
    Process jcstress =
        new ProcessBuilder(command)
            .directory(results.toFile()) // its binary result file goes to the working directory
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!jcstress.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
      jcstress.destroyForcibly().waitFor();
      fail("jcstress did not finish in " + LIMIT_MINUTES + " minutes: see " + log);
    }
    String output = Files.readString(log);
    int summary = output.indexOf("RUN RESULTS:");
    String verdict = summary < 0 ? output : output.substring(summary);
    System.out.println(verdict);
    assertTrue(summary >= 0, "jcstress printed no results: see " + log);
    assertTrue(verdict.contains("Failed tests: No matches."), "forbidden outcomes: see " + log);
    assertTrue(verdict.contains("Error tests: No matches."), "tests that erred: see " + log);
    assertEquals(0, jcstress.exitValue(), "jcstress's exit code: see " + log);
    // Passing proves nothing if nothing ran (a lost annotation processor lists no tests).
    Matcher passed = Pattern.compile("All remaining tests: (\\d+) matching").matcher(verdict);
    assertTrue(passed.find(), "jcstress ran no test: see " + log);
    if (System.getProperty("jcstress.tests") == null) {
      assertEquals(compiledTests(), Integer.parseInt(passed.group(1)), "tests passed: see " + log);
    }
  }

  /** How many jcstress tests the annotation processor listed for the harness. */
  private static int compiledTests() throws IOException {
    try (InputStream list = JcstressSuiteTest.class.getResourceAsStream("/META-INF/TestList")) {
      assertNotNull(list, "no jcstress test was compiled: is its annotation processor configured?");
      String text = new String(list.readAllBytes(), StandardCharsets.UTF_8);
      int tests = (int) text.lines().filter(line -> line.startsWith("JCTEST")).count();
      assertTrue(tests > 0, "no jcstress test was compiled");
      return tests;
    }
  }
}

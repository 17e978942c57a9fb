package org.portal4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One run of the consumer program ({@code BackendReport}) in a JVM of its own: the same {@code
 * java} as the test JVM (the build's JDK 21+) unless another is given, a given class path or module
 * path, and a deadline. Its stdout is a list of {@code key=value} lines; every failure message
 * carries the command and both outputs.
 */
final class ConsumerRun {

  static final String MAIN = "org.portal4j.it.consumer.BackendReport";
  static final String MODULE = "org.portal4j.it.consumer";
  private static final long DEADLINE_SECONDS = 120;
  private static final Path RUNS =
      Path.of(System.getProperty("it.work", "target/it-programs"), "runs");

  private final List<String> command;
  private final int exitCode;
  private final String stdout;
  private final String stderr;
  private final Map<String, String> lines = new LinkedHashMap<>();

  private ConsumerRun(List<String> command, int exitCode, String stdout, String stderr) {
    this.command = command;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    for (String line : stdout.split("\\R")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        lines.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
  }

  /** Runs the consumer with {@code classPath} (the consumer jar is added first). */
  static ConsumerRun onClassPath(String name, List<Path> classPath, String... jvmOptions) {
    List<Path> path = new ArrayList<>();
    path.add(Programs.consumer());
    path.addAll(classPath);
    path.addAll(Artifacts.LOGGING);
    List<String> args = new ArrayList<>(List.of(jvmOptions));
    args.add("-cp");
    args.add(join(path));
    args.add(MAIN);
    return run(name, args);
  }

  /** Runs the consumer as the named module {@value #MODULE} with {@code modulePath}. */
  static ConsumerRun onModulePath(String name, List<Path> modulePath, String... jvmOptions) {
    return onModulePath(name, testJava(), modulePath, jvmOptions);
  }

  /** Runs the consumer as the named module {@value #MODULE} on the given {@code java}. */
  static ConsumerRun onModulePath(
      String name, Path java, List<Path> modulePath, String... jvmOptions) {
    List<Path> path = new ArrayList<>();
    path.add(Programs.consumer());
    path.addAll(modulePath);
    path.addAll(Artifacts.LOGGING);
    List<String> args = new ArrayList<>(List.of(jvmOptions));
    args.add("--module-path");
    args.add(join(path));
    args.add("--module");
    args.add(MODULE + "/" + MAIN);
    return run(name, java, args);
  }

  /** The {@code java} of the test JVM: the build's JDK 21+. */
  static Path testJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static ConsumerRun run(String name, List<String> args) {
    return run(name, testJava(), args);
  }

  private static ConsumerRun run(String name, Path java, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    // Start fast: these JVMs live a second or two on a 2-core machine.
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(args);
    try {
      Files.createDirectories(RUNS);
      Path out = RUNS.resolve(name + ".out");
      Path err = RUNS.resolve(name + ".err");
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      boolean exited = process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      ConsumerRun run =
          new ConsumerRun(
              command,
              exited ? process.exitValue() : -1,
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      if (!exited) {
        fail(
            "The consumer did not exit within "
                + DEADLINE_SECONDS
                + " s and was killed"
                + run.describe());
      }
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while running the consumer", e);
    }
  }

  private static String join(List<Path> path) {
    return path.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  /** Asserts the program ran to its end and exited 0. */
  ConsumerRun assertCompleted() {
    if (exitCode != 0 || !"true".equals(lines.get("done"))) {
      fail("The consumer did not complete (exit code " + exitCode + ")" + describe());
    }
    return this;
  }

  /** The value a probe printed; fails (with the output) if it failed or is missing. */
  String value(String key) {
    String value = lines.get(key);
    if (value == null) {
      fail("No successful probe '" + key + "'" + describe());
    }
    return value;
  }

  /** The error a probe printed ({@code class: message}); fails if it succeeded. */
  String error(String key) {
    String error = lines.get(key + ".error");
    if (error == null) {
      fail("Probe '" + key + "' was expected to fail" + describe());
    }
    return error;
  }

  /** The {@code a=b;c=d} value of a where-did-it-run probe, as a map. */
  Map<String, String> where(String key) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String field : value(key).split(";")) {
      int eq = field.indexOf('=');
      fields.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return fields;
  }

  String stderr() {
    return stderr;
  }

  /** The command and both outputs, for failure messages. */
  String describe() {
    return "\n--- command:\n"
        + String.join(" ", command)
        + "\n--- exit code: "
        + exitCode
        + "\n--- stdout:\n"
        + stdout
        + "--- stderr:\n"
        + stderr;
  }

  /** Asserts that the where-did-it-run {@code probe} ran on a platform worker thread. */
  void assertRanOnAPlatformWorker(String probe) {
    Map<String, String> where = where(probe);
    assertEquals("false", where.get("virtual"), probe + describe());
    assertEquals("java.lang.Thread", where.get("threadClass"), probe + describe());
    assertTrue(where.get("thread").startsWith("WorkerThread-"), probe + describe());
  }

  /** Asserts that the where-did-it-run {@code probe} ran on a virtual worker thread. */
  void assertRanOnAVirtualWorker(String probe) {
    Map<String, String> where = where(probe);
    assertEquals("true", where.get("virtual"), probe + describe());
    assertTrue(where.get("thread").startsWith("WorkerThread-"), probe + describe());
  }

  /** Asserts that the where-did-it-run {@code probe} ran on a Netty event loop of portal-netty. */
  void assertRanOnANettyLoop(String probe) {
    Map<String, String> where = where(probe);
    assertEquals(
        "io.netty.util.concurrent.FastThreadLocalThread",
        where.get("threadClass"),
        probe + describe());
    assertNotEquals("none", where.get("nettyExecutor"), probe + describe());
    assertFalse(where.get("nettyExecutor").startsWith("unreadable"), probe + describe());
    assertEquals("org.portal4j.netty.NettyLoopPortal", where.get("portal"), probe + describe());
  }
}

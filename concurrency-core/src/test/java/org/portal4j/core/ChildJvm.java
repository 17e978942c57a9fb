package org.portal4j.core;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a {@code main} class of the test class path in a child JVM and collects what it printed: for
 * behaviour that only shows when a JVM exits. Public so that backend modules' tests (which have
 * this module's test jar) can use it.
 *
 * <p>The child logs through {@value #LOGBACK_CONFIG}: portal4j's WARN and ERROR lines go to its
 * standard output as {@code LEVEL logger - message}, so tests can look for them.
 */
public final class ChildJvm {

  /** The child's logback configuration, a resource of this module's test class path. */
  public static final String LOGBACK_CONFIG = "logback-child-jvm.xml";

  private final Class<?> main;
  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private final List<Path> extraClassPath = new ArrayList<>();

  private ChildJvm(Class<?> main) {
    this.main = main;
  }

  /** A child that runs {@code main}'s {@code main} method. */
  public static ChildJvm of(Class<?> main) {
    return new ChildJvm(main);
  }

  /** Adds JVM options such as {@code -Dname=value}. */
  public ChildJvm jvmOptions(String... options) {
    jvmOptions.addAll(Arrays.asList(options));
    return this;
  }

  /** Adds program arguments. */
  public ChildJvm args(String... arguments) {
    args.addAll(Arrays.asList(arguments));
    return this;
  }

  /** Puts {@code entry} on the child's class path, ahead of this JVM's class path. */
  public ChildJvm classPath(Path entry) {
    extraClassPath.add(entry);
    return this;
  }

  /** What the child did. */
  public record Run(int exitCode, String output, long exitedAtMillis) {

    /** The output lines. */
    public List<String> lines() {
      return output.lines().collect(Collectors.toList());
    }

    /** The portal4j WARN lines the child logged. */
    public List<String> warnings() {
      return output.lines().filter(l -> l.startsWith("WARN ")).collect(Collectors.toList());
    }

    /** Whether some output line equals {@code line}. */
    public boolean printed(String line) {
      return output.lines().anyMatch(line::equals);
    }

    @Override
    public String toString() {
      return "exit code " + exitCode + ", output:\n" + output;
    }
  }

  /**
   * Runs the child and waits for it to exit.
   *
   * @param limit how long it may run; a child still running then is killed and the test fails
   */
  public Run run(Duration limit) throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xshare:off");
    command.add("-Dlogback.configurationFile=" + LOGBACK_CONFIG);
    command.addAll(jvmOptions);
    command.add("-cp");
    List<String> classPath = new ArrayList<>();
    extraClassPath.forEach(p -> classPath.add(p.toString()));
    classPath.add(System.getProperty("java.class.path"));
    command.add(String.join(File.pathSeparator, classPath));
    command.add(main.getName());
    command.addAll(args);
    Path out = Files.createTempFile("child-jvm", ".out");
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!child.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            "The child JVM running "
                + main.getSimpleName()
                + " "
                + args
                + " did not exit within "
                + limit
                + "; output so far:\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      long exitedAt = System.currentTimeMillis();
      return new Run(child.exitValue(), Files.readString(out, StandardCharsets.UTF_8), exitedAt);
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }
}

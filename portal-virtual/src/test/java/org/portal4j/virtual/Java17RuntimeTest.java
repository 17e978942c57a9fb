package org.portal4j.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.portal4j.test.CheckThreadLeaks;

/**
 * With portal-virtual on the class path of a Java 17 JVM the library still works: the provider
 * (compiled for Java 21) cannot load and is skipped with one WARN line that says so (no stack
 * trace), and the platform backend is used.
 */
@CheckThreadLeaks
@Timeout(120)
class Java17RuntimeTest {

  private static final String PROBE =
      "import org.portal4j.*;\n"
          + "public class Probe {\n"
          + "  public static void main(String[] args) {\n"
          + "    System.out.println(Portals.backends());\n"
          + "    System.out.println(FromSync.callInNewThread(() -> Thread.currentThread().getName()));\n"
          + "  }\n"
          + "}\n";

  @Test
  void onJava17TheVirtualProviderIsSkippedWithOneWarningAndPlatformWorkersRun(@TempDir Path dir)
      throws Exception {
    Optional<Path> java17 = findJava17();
    Assumptions.assumeTrue(java17.isPresent(), "no Java 17 runtime under /usr/lib/jvm");
    Path probe = Files.writeString(dir.resolve("Probe.java"), PROBE);
    Path logback =
        Files.writeString(
            dir.resolve("logback.xml"),
            "<configuration><appender name='E' class='ch.qos.logback.core.ConsoleAppender'>"
                + "<target>System.err</target><encoder><pattern>%level %logger %msg%n%ex</pattern>"
                + "</encoder></appender><root level='INFO'><appender-ref ref='E'/></root>"
                + "</configuration>");
    Process process =
        new ProcessBuilder(
                java17.get().toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + logback,
                probe.toString())
            .redirectOutput(dir.resolve("out.txt").toFile())
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "probe finished");
    String out = Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out + err);
    List<String> lines = out.lines().toList();
    assertEquals("{WORKER=platform, LOOP=platform}", lines.get(0), out + err);
    assertTrue(lines.get(1).startsWith("WorkerThread-"), out + err);
    List<String> warnings = err.lines().filter(l -> l.startsWith("WARN")).toList();
    assertEquals(1, warnings.size(), err);
    assertTrue(warnings.get(0).contains("needs a newer Java"), err);
    assertTrue(warnings.get(0).contains("portal-virtual needs Java 21"), err);
    assertTrue(err.lines().noneMatch(l -> l.startsWith("ERROR") || l.contains("\tat ")), err);
  }

  private static Optional<Path> findJava17() throws IOException {
    try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
      return jdks.filter(p -> p.getFileName().toString().contains("17"))
          .map(p -> p.resolve("bin/java"))
          .filter(Files::isExecutable)
          .findFirst();
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    }
  }
}

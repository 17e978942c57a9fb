package org.portal4j.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The small programs under {@code src/test/programs}, each compiled (for Java 17) into a jar of its
 * own on first use: the consumer program, and the backends a user could write. Resources beside the
 * sources ({@code META-INF/services}) go into the jar as they are. A program with a {@code
 * module-info.java} becomes a modular jar, which also works on the class path.
 */
final class Programs {

  private static final Path SOURCES = directory("it.programs");
  private static final Path WORK = directory("it.work");
  private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

  private Programs() {}

  /**
   * The consumer program: {@code org.portal4j.it.consumer.BackendReport}, module {@code
   * org.portal4j.it.consumer}.
   */
  static Path consumer() {
    return build("consumer", List.of(Artifacts.API));
  }

  /** A WORKER backend named "custom", priority 1000, threads named {@code custom-*}. */
  static Path customProvider() {
    return build("custom-provider", List.of(Artifacts.API, Artifacts.CORE));
  }

  /** A backend whose constructor throws. */
  static Path throwingProvider() {
    return build("throwing-provider", List.of(Artifacts.API));
  }

  private static Path build(String program, List<Path> dependencies) {
    return BUILT.computeIfAbsent(program, p -> compileAndJar(p, dependencies));
  }

  private static Path compileAndJar(String program, List<Path> dependencies) {
    Path sources = SOURCES.resolve(program);
    Path classes = WORK.resolve(program + "-classes");
    Path jar = WORK.resolve(program + ".jar");
    try {
      deleteRecursively(classes);
      Files.createDirectories(classes);
      List<Path> javaFiles;
      try (Stream<Path> files = Files.walk(sources)) {
        javaFiles =
            files.filter(f -> f.toString().endsWith(".java")).sorted().collect(Collectors.toList());
      }
      boolean modular =
          javaFiles.stream().anyMatch(f -> f.getFileName().toString().equals("module-info.java"));
      List<String> args =
          new ArrayList<>(
              List.of("--release", "17", "-encoding", "UTF-8", "-d", classes.toString()));
      args.add(modular ? "--module-path" : "--class-path");
      args.add(
          dependencies.stream()
              .map(Path::toString)
              .collect(Collectors.joining(File.pathSeparator)));
      javaFiles.forEach(f -> args.add(f.toString()));

      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      if (javac == null) {
        fail("No system Java compiler: the tests must run on a JDK, not a JRE");
      }
      ByteArrayOutputStream messages = new ByteArrayOutputStream();
      int exit = javac.run(null, messages, messages, args.toArray(new String[0]));
      if (exit != 0) {
        fail(
            "javac failed for program "
                + program
                + " ("
                + String.join(" ", args)
                + "):\n"
                + messages.toString(StandardCharsets.UTF_8));
      }
      copyResources(sources, classes);
      writeJar(classes, jar);
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build program " + program, e);
    }
  }

  private static void copyResources(Path sources, Path classes) throws IOException {
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (!f.toString().endsWith(".java")) {
          Path target = classes.resolve(sources.relativize(f).toString());
          Files.createDirectories(target.getParent());
          Files.copy(f, target);
        }
      }
    }
  }

  private static void writeJar(Path classes, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }

  private static Path directory(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      fail("System property " + property + " is not set: run these tests through Maven");
    }
    return Path.of(value);
  }
}

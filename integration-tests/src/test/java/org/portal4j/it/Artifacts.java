package org.portal4j.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The jars of this build, as the POM hands them to the test JVM: one system property {@code
 * it.jar.<artifactId>} per artifact (maven-dependency-plugin's {@code properties} goal resolves
 * them, from the reactor or the local repository).
 */
final class Artifacts {

  static final Path API = jar("concurrency-api");
  static final Path CORE = jar("concurrency-core");
  static final Path VIRTUAL = jar("portal-virtual");
  static final Path NETTY = jar("portal-netty");
  static final Path SERVICES = jar("concurrency-services");
  static final Path TEST = jar("concurrency-test");
  static final Path MICROMETER = jar("concurrency-micrometer");

  /** Micrometer's context-propagation, an automatic module, which concurrency-micrometer needs. */
  static final Path CONTEXT_PROPAGATION = jar("context-propagation");

  /** What portal-netty needs at run time: Netty's transport and the modules it requires. */
  static final List<Path> NETTY_LIBRARIES =
      List.of(
          jar("netty-transport"), jar("netty-common"), jar("netty-buffer"), jar("netty-resolver"));

  /** SLF4J with a provider that prints to stderr, so WARN lines show in the output. */
  static final List<Path> LOGGING = List.of(jar("slf4j-api"), jar("slf4j-simple"));

  private Artifacts() {}

  /** The jars of portal-netty with its Netty libraries. */
  static List<Path> nettyBackend() {
    List<Path> jars = new ArrayList<>(NETTY_LIBRARIES);
    jars.add(0, NETTY);
    return jars;
  }

  private static Path jar(String artifactId) {
    String property = "it.jar." + artifactId;
    String value = System.getProperty(property);
    if (value == null || value.isBlank() || value.startsWith("${")) {
      fail(
          "System property "
              + property
              + " is not set: run these tests through Maven"
              + " (./mvnw verify -pl integration-tests -am), which resolves the jars");
    }
    Path path = Path.of(value);
    if (!Files.isRegularFile(path)) {
      fail(property + " names " + path + ", which is not a file: build the reactor first");
    }
    return path;
  }
}

package org.portal4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published jars as real Java modules, the way a modular application meets them: a plain {@code
 * --module-path} with no {@code --add-modules}, {@code --add-reads} or {@code --add-opens}. The
 * consumer module ({@code BackendReport}) requires {@code org.portal4j} alone; the runtime and the
 * backends join the module graph by service binding, so swapping a backend is adding a module.
 */
class ModulePathIT {

  private static final String PROVIDER = "org.portal4j.spi.PortalProvider";
  private static final String RUNTIME = "org.portal4j.spi.ConcurrencyRuntime";
  private static final String PROPAGATOR = "org.portal4j.spi.ContextPropagator";

  @Test
  void everyPublishedJarIsANamedModuleWithItsDocumentedName() {
    Map<String, Path> jars = new LinkedHashMap<>();
    jars.put("org.portal4j", Artifacts.API);
    jars.put("org.portal4j.core", Artifacts.CORE);
    jars.put("org.portal4j.services", Artifacts.SERVICES);
    jars.put("org.portal4j.test", Artifacts.TEST);
    jars.put("org.portal4j.virtual", Artifacts.VIRTUAL);
    jars.put("org.portal4j.netty", Artifacts.NETTY);
    jars.put("org.portal4j.micrometer", Artifacts.MICROMETER);

    jars.forEach(
        (name, jar) -> {
          ModuleDescriptor module = descriptor(jar);
          assertEquals(name, module.name(), jar.toString());
          assertFalse(module.isAutomatic(), jar + " is an automatic module, not a real one");
        });
  }

  @Test
  void theApiExportsItsPublicPackagesAndUsesTheRuntimeService() {
    ModuleDescriptor api = descriptor(Artifacts.API);

    assertEquals(
        Set.of("org.portal4j", "org.portal4j.spi", "org.portal4j.spi.support"),
        unqualifiedExports(api));
    assertTrue(api.uses().contains(RUNTIME), api.toString());
  }

  @Test
  void theRuntimeAndTheBackendsExportNothingAndProvideTheirServices() {
    ModuleDescriptor core = descriptor(Artifacts.CORE);
    assertEquals(Set.of(), core.exports(), core.toString());
    assertEquals(Set.of(RUNTIME, PROVIDER), provided(core), core.toString());
    assertTrue(core.uses().contains(PROVIDER), core.toString());

    for (Path backend : List.of(Artifacts.VIRTUAL, Artifacts.NETTY)) {
      ModuleDescriptor module = descriptor(backend);
      assertEquals(Set.of(), module.exports(), module.toString());
      assertEquals(Set.of(PROVIDER), provided(module), module.toString());
    }
  }

  @Test
  void theMicrometerBridgeIsBoundAsAContextPropagatorWhenItIsOnTheModulePath() {
    ModuleDescriptor bridge = descriptor(Artifacts.MICROMETER);
    assertEquals(Set.of(), bridge.exports(), bridge.toString());
    assertEquals(Set.of(PROPAGATOR), provided(bridge), bridge.toString());
    assertTrue(descriptor(Artifacts.API).uses().contains(PROPAGATOR));
    assertTrue(descriptor(Artifacts.CORE).uses().contains(PROPAGATOR));

    List<Path> path = new ArrayList<>(Artifacts.LOGGING);
    path.addAll(
        List.of(
            Artifacts.API, Artifacts.CORE, Artifacts.MICROMETER, Artifacts.CONTEXT_PROPAGATION));
    Set<String> resolved =
        ModuleLayer.boot()
            .configuration()
            .resolveAndBind(
                ModuleFinder.of(path.toArray(Path[]::new)),
                ModuleFinder.of(),
                Set.of("org.portal4j"))
            .modules()
            .stream()
            .map(m -> m.name())
            .collect(Collectors.toSet());
    assertTrue(
        resolved.containsAll(Set.of("org.portal4j.micrometer", "context.propagation")),
        "service binding pulls in the bridge and what it requires: " + resolved);
  }

  @Test
  void withoutTheRuntimeModuleEveryEntryPointSaysToAddConcurrencyCore() {
    ConsumerRun run =
        ConsumerRun.onModulePath("modules-api-only", List.of(Artifacts.API)).assertCompleted();

    assertEquals(ConsumerRun.MODULE, run.value("module"), run.describe());
    for (String probe : List.of("backends", "worker", "globalLoop")) {
      String error = run.error(probe);
      assertTrue(error.startsWith("java.lang.IllegalStateException: "), error + run.describe());
      assertTrue(error.contains("org.portal4j:concurrency-core"), error + run.describe());
    }
  }

  @Test
  void withTheApiAndTheRuntimeModuleBothKindsUseThePlatformBackend() {
    ConsumerRun run =
        ConsumerRun.onModulePath("modules-api-core", List.of(Artifacts.API, Artifacts.CORE))
            .assertCompleted();

    assertEquals(ConsumerRun.MODULE, run.value("module"), run.describe());
    assertEquals("{WORKER=platform, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAPlatformWorker("worker");
    run.assertRanOnAPlatformWorker("newThread");
    assertEquals("org.portal4j.core.EventLoopPortal", run.where("globalLoop").get("portal"));
  }

  @Test
  void addingThePortalVirtualModuleMakesWorkersVirtual() {
    ConsumerRun run =
        ConsumerRun.onModulePath(
                "modules-virtual", List.of(Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL))
            .assertCompleted();

    assertEquals("{WORKER=virtual, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAVirtualWorker("worker");
    run.assertRanOnAVirtualWorker("newThread");
  }

  @Test
  void addingThePortalNettyModuleMakesLoopsNetty() {
    List<Path> modulePath = new ArrayList<>(List.of(Artifacts.API, Artifacts.CORE));
    modulePath.addAll(Artifacts.nettyBackend());
    ConsumerRun run = ConsumerRun.onModulePath("modules-netty", modulePath).assertCompleted();

    assertEquals("{WORKER=platform, LOOP=netty}", run.value("backends"), run.describe());
    run.assertRanOnANettyLoop("globalLoop");
  }

  @Test
  void withEveryModuleWorkersAreVirtualAndLoopsAreNetty() {
    List<Path> modulePath =
        new ArrayList<>(
            List.of(Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL, Artifacts.SERVICES));
    modulePath.addAll(Artifacts.nettyBackend());
    ConsumerRun run = ConsumerRun.onModulePath("modules-all", modulePath).assertCompleted();

    assertEquals("{WORKER=virtual, LOOP=netty}", run.value("backends"), run.describe());
    run.assertRanOnAVirtualWorker("worker");
    run.assertRanOnANettyLoop("globalLoop");
  }

  /**
   * The API, the runtime and the services are compiled for Java 17, so a Java 17 runtime runs the
   * consumer on the module path. (portal-virtual is a Java 21 module: a Java 17 JVM cannot even
   * read its descriptor, so it stays off a Java 17 module path; on a class path it is skipped with
   * a WARN.)
   */
  @Test
  void aJava17RuntimeRunsTheConsumerOnTheModulePath() {
    Optional<Path> java17 = java17();
    assumeTrue(
        java17.isPresent(),
        "no Java 17 runtime here (set -Dit.java17=<java executable or Java home>)");

    ConsumerRun run =
        ConsumerRun.onModulePath(
                "modules-java17",
                java17.get(),
                List.of(Artifacts.API, Artifacts.CORE, Artifacts.SERVICES))
            .assertCompleted();

    assertEquals("17", run.value("java.version"), run.describe());
    assertEquals(ConsumerRun.MODULE, run.value("module"), run.describe());
    assertEquals("{WORKER=platform, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAPlatformWorker("worker");
    run.assertRanOnAPlatformWorker("newThread");
  }

  private static ModuleDescriptor descriptor(Path jar) {
    Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
    assertEquals(1, found.size(), jar.toString());
    return found.iterator().next().descriptor();
  }

  private static Set<String> unqualifiedExports(ModuleDescriptor module) {
    return module.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
  }

  private static Set<String> provided(ModuleDescriptor module) {
    return module.provides().stream()
        .map(ModuleDescriptor.Provides::service)
        .collect(Collectors.toSet());
  }

  /**
   * The {@code java} named by {@code -Dit.java17} (an executable or a Java home, which must then be
   * a Java 17), else the first Java 17 under {@code /usr/lib/jvm}.
   */
  private static Optional<Path> java17() {
    String configured = System.getProperty("it.java17", "");
    if (!configured.isBlank()) {
      Path java = Path.of(configured);
      if (Files.isDirectory(java)) { // a Java home, as people often pass
        java = java.resolve("bin").resolve("java");
      }
      assertTrue(
          Files.isRegularFile(java) && Files.isExecutable(java),
          "-Dit.java17=" + configured + " is neither a java executable nor a Java home");
      return Optional.of(java);
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes
          .filter(home -> isJava17(home.resolve("release")))
          .map(home -> home.resolve("bin").resolve("java"))
          .filter(Files::isExecutable)
          .sorted()
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isJava17(Path release) {
    try {
      return Files.isRegularFile(release)
          && Files.readAllLines(release).stream()
              .anyMatch(line -> line.startsWith("JAVA_VERSION=\"17"));
    } catch (IOException e) {
      return false;
    }
  }
}

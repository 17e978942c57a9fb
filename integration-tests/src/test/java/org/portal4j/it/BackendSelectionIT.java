package org.portal4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Backend selection with real class paths: the same consumer program ({@code BackendReport}, API
 * only) runs in a fresh JVM per case, and each case checks what {@code Portals.backends()} says and
 * on which threads calls actually ran. Swapping a backend must be a class-path change and nothing
 * else.
 */
class BackendSelectionIT {

  @Test
  void withoutCoreEveryEntryPointFailsEachTimeSayingToAddConcurrencyCore() {
    ConsumerRun run = ConsumerRun.onClassPath("api-only", List.of(Artifacts.API)).assertCompleted();

    for (String probe : List.of("backends", "backends.again", "worker", "globalLoop")) {
      String error = run.error(probe);
      assertTrue(error.startsWith("java.lang.IllegalStateException: "), error + run.describe());
      assertTrue(error.contains("org.portal4j:concurrency-core"), error + run.describe());
    }
  }

  @Test
  void withOnlyApiAndCoreBothKindsUseThePlatformBackend() {
    ConsumerRun run =
        ConsumerRun.onClassPath("api-core", List.of(Artifacts.API, Artifacts.CORE))
            .assertCompleted();

    assertEquals("{WORKER=platform, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAPlatformWorker("worker");
    run.assertRanOnAPlatformWorker("newThread");
    Map<String, String> loop = run.where("globalLoop");
    assertEquals("GlobalEventLoopThread", loop.get("thread"), run.describe());
    assertEquals("true", loop.get("inGlobalLoop"), run.describe());
    assertEquals("org.portal4j.core.EventLoopPortal", loop.get("portal"), run.describe());
    assertEquals("none", loop.get("nettyExecutor"), run.describe());
  }

  @Test
  void withPortalVirtualOnTheClassPathWorkersRunOnVirtualThreads() {
    ConsumerRun run =
        ConsumerRun.onClassPath(
                "virtual", List.of(Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL))
            .assertCompleted();

    assertEquals("{WORKER=virtual, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAVirtualWorker("worker");
    run.assertRanOnAVirtualWorker("newThread");
    assertEquals("org.portal4j.core.EventLoopPortal", run.where("globalLoop").get("portal"));
  }

  @Test
  void withPortalNettyOnTheClassPathTheGlobalLoopRunsOnANettyThread() {
    List<Path> classPath = new ArrayList<>(List.of(Artifacts.API, Artifacts.CORE));
    classPath.addAll(Artifacts.nettyBackend());
    ConsumerRun run = ConsumerRun.onClassPath("netty", classPath).assertCompleted();

    assertEquals("{WORKER=platform, LOOP=netty}", run.value("backends"), run.describe());
    run.assertRanOnANettyLoop("globalLoop");
    assertEquals("GlobalEventLoopThread", run.where("globalLoop").get("thread"), run.describe());
    assertEquals("true", run.where("globalLoop").get("inGlobalLoop"), run.describe());
    run.assertRanOnANettyLoop("newLoop");
    run.assertRanOnAPlatformWorker("worker");
  }

  @Test
  void withBothBackendsWorkersAreVirtualAndLoopsAreNetty() {
    List<Path> classPath =
        new ArrayList<>(List.of(Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL));
    classPath.addAll(Artifacts.nettyBackend());
    ConsumerRun run = ConsumerRun.onClassPath("virtual-netty", classPath).assertCompleted();

    assertEquals("{WORKER=virtual, LOOP=netty}", run.value("backends"), run.describe());
    run.assertRanOnAVirtualWorker("worker");
    run.assertRanOnAVirtualWorker("newThread");
    run.assertRanOnANettyLoop("globalLoop");
    run.assertRanOnANettyLoop("newLoop");
  }

  @Test
  void aCustomProviderWithTheHighestPriorityWinsAndRunsTheCalls() {
    ConsumerRun run =
        ConsumerRun.onClassPath(
                "custom",
                List.of(
                    Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL, Programs.customProvider()))
            .assertCompleted();

    assertEquals("{WORKER=custom, LOOP=platform}", run.value("backends"), run.describe());
    for (String probe : List.of("worker", "newThread")) {
      Map<String, String> where = run.where(probe);
      assertEquals(
          "org.portal4j.it.custom.CustomPortalProvider$CustomWorkerThread",
          where.get("threadClass"),
          probe + run.describe());
      assertTrue(where.get("thread").startsWith("custom-"), probe + run.describe());
      assertEquals("false", where.get("virtual"), probe + run.describe());
    }
  }

  @Test
  void thePortal4jWorkerPropertyPicksPlatformOverTheHigherPriorityVirtualBackend() {
    ConsumerRun run =
        ConsumerRun.onClassPath(
                "virtual-forced-platform",
                List.of(Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL),
                "-Dportal4j.worker=platform")
            .assertCompleted();

    assertEquals("{WORKER=platform, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAPlatformWorker("worker");
    run.assertRanOnAPlatformWorker("newThread");
  }

  @Test
  void anUnknownWorkerNameFailsEveryWorkerUseListingTheKnownBackends() {
    ConsumerRun run =
        ConsumerRun.onClassPath(
                "unknown-worker",
                List.of(Artifacts.API, Artifacts.CORE, Artifacts.VIRTUAL),
                "-Dportal4j.worker=nope")
            .assertCompleted();

    String first = run.error("backends");
    assertTrue(first.startsWith("java.lang.IllegalStateException: "), first + run.describe());
    assertTrue(first.contains("'nope'"), first + run.describe());
    assertTrue(first.contains("portal4j.worker"), first + run.describe());
    assertTrue(
        first.contains("platform") && first.contains("virtual"),
        "the message lists the known WORKER backends: " + first + run.describe());
    // Not once only: the same failure at the next use, and at every use of the WORKER kind.
    assertEquals(first, run.error("backends.again"), run.describe());
    assertEquals(first, run.error("worker"), run.describe());
    assertEquals(first, run.error("newThread"), run.describe());
    // The LOOP kind is not affected.
    assertEquals("GlobalEventLoopThread", run.where("globalLoop").get("thread"), run.describe());
  }

  @Test
  void aProviderWhoseConstructorThrowsIsLoggedAtWarnAndSkipped() {
    ConsumerRun run =
        ConsumerRun.onClassPath(
                "throwing-provider",
                List.of(
                    Artifacts.API, Artifacts.CORE, Programs.throwingProvider(), Artifacts.VIRTUAL))
            .assertCompleted();

    assertTrue(run.stderr().contains("WARN org.portal4j.core.Backends"), run.describe());
    assertTrue(
        run.stderr().contains("org.portal4j.it.throwing.ThrowingPortalProvider"), run.describe());
    assertTrue(
        run.stderr().contains("ThrowingPortalProvider refuses to be constructed"), run.describe());
    assertEquals("{WORKER=virtual, LOOP=platform}", run.value("backends"), run.describe());
    run.assertRanOnAVirtualWorker("worker");
    assertEquals("GlobalEventLoopThread", run.where("globalLoop").get("thread"), run.describe());
  }
}

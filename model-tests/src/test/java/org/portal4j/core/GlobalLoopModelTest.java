package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.model.ModelChecks;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.spi.support.AbstractLoopPortal;

/**
 * Model checks {@code Portals.globalLoop()}: threads racing to get (and so create) the global loop,
 * with and without another thread shutting it down meanwhile. The loops are made by a provider
 * whose loops run their tasks on the thread that hands them over, so nothing runs outside the
 * model. Rules checked after every interleaving (DESIGN.md, Portals): racers that no shutdown
 * separates get the same loop, running; every loop a racer made and lost with is shut down (no
 * leaked thread or selector); at most one loop is left not shut down.
 */
public class GlobalLoopModelTest {

  private static final Executor ON_THE_CALLER = Runnable::run;

  @BeforeAll
  static void bindTheRuntimeOutsideTheModel() {
    Portals.backends(); // loops ask Portals.currentLoop() when they start
  }

  /** Makes loops over the caller's thread and remembers each one. */
  static final class RecordingProvider implements PortalProvider {
    final List<LoopPortal> made = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public int priority() {
      return 0;
    }

    @Override
    public Set<PortalKind> kinds() {
      return Set.of(PortalKind.LOOP, PortalKind.WORKER);
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      LoopPortal loop =
          new AbstractLoopPortal(options, "ModelLoop", ON_THE_CALLER, Duration.ofSeconds(10)) {};
      made.add(loop);
      return loop;
    }
  }

  @Test
  void racersGetOneRunningLoopAndTheLosersShutTheirsDown() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          RecordingProvider provider = new RecordingProvider();
          CoreRuntime runtime = runtimeOver(provider);
          LoopPortal[] got = new LoopPortal[3];
          Thread first = new Thread(() -> got[0] = runtime.portals().globalLoop());
          Thread second = new Thread(() -> got[1] = runtime.portals().globalLoop());
          first.start();
          second.start();
          got[2] = runtime.portals().globalLoop();
          join(first);
          join(second);

          check(got[0] == got[1] && got[1] == got[2], "racers got different loops");
          check(got[0].isRunning() && !got[0].isShutdown(), "the global loop is not running");
          for (LoopPortal loop : provider.made) {
            check(loop == got[0] || loop.isShutdown(), "a losing loop was left: " + loop);
          }
          got[0].shutdown(); // a started loop stays registered as live until it terminates
        });
  }

  @Test
  void aShutdownRacingTheRacersLeavesAtMostOneLoopAndNoLeakedOne() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          RecordingProvider provider = new RecordingProvider();
          CoreRuntime runtime = runtimeOver(provider);
          LoopPortal[] got = new LoopPortal[2];
          Thread racer = new Thread(() -> got[0] = runtime.portals().globalLoop());
          Thread stopper = new Thread(() -> runtime.portals().globalLoop().shutdown());
          racer.start();
          stopper.start();
          got[1] = runtime.portals().globalLoop();
          join(racer);
          join(stopper);

          long live = provider.made.stream().filter(loop -> !loop.isShutdown()).count();
          check(live <= 1, live + " loops are left running");
          for (LoopPortal loop : provider.made) {
            check(
                loop == got[0] || loop == got[1] || loop.isShutdown(),
                "a loop nobody got was left running: " + loop);
          }
          provider.made.forEach(LoopPortal::shutdown);
        });
  }

  private static CoreRuntime runtimeOver(PortalProvider provider) {
    return new CoreRuntime(new Backends(() -> List.of(provider).iterator(), property -> null));
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

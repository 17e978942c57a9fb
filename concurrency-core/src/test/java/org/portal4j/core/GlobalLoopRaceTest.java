package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Portals": of two threads racing to create the global loop, the loser shuts its loop
 * down (no leaked thread, selector or file descriptor).
 */
@CheckThreadLeaks
@Timeout(60)
class GlobalLoopRaceTest {

  private static final int RACERS = 4;
  private static final int ROUNDS = 5;
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * Makes real platform loops and records them. {@code newLoop} lets the first two callers of a
   * round wait (briefly) for each other, so that two loops are made per round whenever the runtime
   * lets two threads create at once.
   */
  static final class RecordingProvider implements PortalProvider {
    final List<LoopPortal> made = new CopyOnWriteArrayList<>();
    volatile CountDownLatch twoCreating = new CountDownLatch(2);

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
      return EnumSet.allOf(PortalKind.class);
    }

    @Override
    public WorkerPortal newWorker(PortalOptions options) {
      return new WorkerThreadPortal(options);
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      CountDownLatch latch = twoCreating;
      latch.countDown();
      try {
        // Bounded: a runtime that creates one loop at a time must not be stalled for long.
        latch.await(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      LoopPortal loop = new EventLoopPortal(options);
      made.add(loop);
      return loop;
    }
  }

  private final RecordingProvider provider = new RecordingProvider();

  @AfterEach
  void shutDownEveryLoop() throws InterruptedException {
    provider.made.forEach(LoopPortal::shutdown);
    for (LoopPortal loop : provider.made) {
      assertTrue(loop.awaitTermination(WAIT), loop + " did not terminate");
    }
  }

  @Test
  void theLoserOfARaceToCreateTheGlobalLoopShutsItsLoopDown() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      provider.twoCreating = new CountDownLatch(2);
      int before = provider.made.size();
      CoreRuntime runtime =
          new CoreRuntime(
              new Backends(() -> List.<PortalProvider>of(provider).iterator(), p -> null));
      CyclicBarrier start = new CyclicBarrier(RACERS);
      List<CompletableFuture<LoopPortal>> racers = new CopyOnWriteArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        racers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  return runtime.portals().globalLoop();
                },
                task -> new Thread(task, "global-loop-racer").start()));
      }
      LoopPortal winner = null;
      for (CompletableFuture<LoopPortal> racer : racers) {
        LoopPortal got = racer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (winner == null) {
          winner = got;
        }
        assertSame(winner, got, "every racer gets the same global loop");
      }
      LoopPortal theWinner = winner;
      List<LoopPortal> losers =
          provider.made.subList(before, provider.made.size()).stream()
              .filter(loop -> loop != theWinner)
              .collect(Collectors.toList());
      for (LoopPortal loser : losers) {
        assertTrue(
            loser.isShutdown(),
            "round " + round + ": a losing loop was left alive (" + losers.size() + " losers)");
        assertTrue(loser.awaitTermination(WAIT), "round " + round + ": a loser did not terminate");
      }
      runtime.portals().waitForGlobalLoopExit(WAIT);
    }
  }
}

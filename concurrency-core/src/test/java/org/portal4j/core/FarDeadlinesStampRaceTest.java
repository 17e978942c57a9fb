package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The first sweep that finds a call on its thread swaps its mark, whose deadline is not known yet,
 * for one that knows it ({@link CapturedCall#sweptOnThread}), while the call's thread may be moving
 * the mark to a node as the call leaves it ({@link CapturedCall#watchedBy}). A hostile review found
 * the move giving up when the swap came between its read and its CAS: no node was pushed, and the
 * call, off its thread, kept a mark no sweep would look at again. Here the two race for many
 * rounds, each side starting after a random few steps; {@code FarDeadlinesModelTest} checks the
 * same race in every interleaving of one round.
 */
@Timeout(60)
class FarDeadlinesStampRaceTest {

  private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);
  private static final int ROUNDS = 20_000;

  private volatile int phase;
  private volatile CapturedCall<String> current;
  private volatile boolean moved;
  private volatile int leaverDelay;
  private volatile int sink;

  /** A few steps: volatile reads the compiler must keep. */
  private void delay(int steps) {
    for (int s = steps; s > 0; s--) {
      if (sink == 42) {
        return;
      }
    }
  }

  @Test
  void aSweepWorkingOutADeadlineAsItsCallMovesToANodeNeverLosesIt() throws Exception {
    FarDeadlines deadlines = new FarDeadlines(sweep -> {}, visitor -> {});
    AtomicInteger lost = new AtomicInteger();
    Thread leaver =
        new Thread(
            () -> {
              for (int r = 1; r <= ROUNDS; r++) {
                while (phase != 2 * r - 1) {
                  Thread.onSpinWait();
                }
                CapturedCall<String> call = current;
                delay(leaverDelay);
                FarDeadlines.OnThread mark = call.farDeadlineMark(); // one read, as leaving does
                moved =
                    mark != null && call.watchedBy(new FarDeadlines.Node(call, mark.deadlineNow()));
                phase = 2 * r;
              }
            },
            "leaver");
    leaver.setDaemon(true);
    leaver.start();
    for (int r = 1; r <= ROUNDS; r++) {
      CapturedCall<String> call = CapturedCall.sync("race-" + r, () -> "x");
      call.watchOnThread(FarDeadlines.OnThread.since(System.nanoTime(), AN_HOUR));
      current = call;
      leaverDelay = ThreadLocalRandom.current().nextInt(100);
      int mine = ThreadLocalRandom.current().nextInt(400);
      phase = 2 * r - 1;
      delay(mine);
      call.sweptOnThread(System.nanoTime(), 2 * FarDeadlines.TICK_NANOS, deadlines::stamp);
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (phase != 2 * r) {
        if (System.nanoTime() - waitUntil > 0) {
          throw new AssertionError("the leaver did not finish round " + r);
        }
        Thread.onSpinWait();
      }
      if (!moved && call.farDeadlineMark() != null) {
        lost.incrementAndGet(); // off its thread, no node, still a mark on it: unwatched
      }
      call.cancel();
    }
    leaver.join();
    assertEquals(0, lost.get(), lost + " of " + ROUNDS + " far deadlines lost");
  }
}

package org.portal4j.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;

/**
 * The select strategy of a loop the Netty backend owns ({@link SpinThenSelect}): with no task
 * queued it looks again a number of times, polling the channels now and then, before Netty blocks
 * the loop in its selector; with a task queued it does what Netty's default does.
 */
class SpinThenSelectTest {

  /** The selector's non-blocking poll, counting its calls and answering {@code ready}. */
  private static final class Poll implements IntSupplier {
    final AtomicInteger calls = new AtomicInteger();
    final int ready;

    Poll(int ready) {
      this.ready = ready;
    }

    @Override
    public int get() {
      calls.incrementAndGet();
      return ready;
    }
  }

  @Test
  void withATaskQueuedItPollsTheChannelsWithoutBlockingAsNettysDefaultDoes() throws Exception {
    SpinThenSelect strategy = new SpinThenSelect(128);
    Poll poll = new Poll(3);
    assertEquals(3, strategy.calculateStrategy(poll, true));
    assertEquals(1, poll.calls.get());
  }

  @Test
  void withNoTaskItLooksAgainItsSpinsThenLetsNettySelect() throws Exception {
    int spins = 40;
    SpinThenSelect strategy = new SpinThenSelect(spins);
    Poll poll = new Poll(0);
    for (int look = 1; look <= spins; look++) {
      int answer = strategy.calculateStrategy(poll, false);
      int expected = look % 16 == 0 ? 0 : SelectStrategy.CONTINUE; // a poll every 16th look
      assertEquals(expected, answer, "look " + look);
    }
    assertEquals(spins / 16, poll.calls.get(), "the channels polled every 16th look");
    assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(poll, false));
  }

  @Test
  void aPollWhileSpinningHandsTheReadyChannelsToTheLoop() throws Exception {
    SpinThenSelect strategy = new SpinThenSelect(128);
    Poll poll = new Poll(2);
    for (int look = 1; look < 16; look++) {
      assertEquals(SelectStrategy.CONTINUE, strategy.calculateStrategy(poll, false));
    }
    assertEquals(2, strategy.calculateStrategy(poll, false));
  }

  @Test
  void aTaskStartsTheSpinAfreshAndSoDoesASelect() throws Exception {
    SpinThenSelect strategy = new SpinThenSelect(3);
    Poll poll = new Poll(0);
    strategy.calculateStrategy(poll, false);
    strategy.calculateStrategy(poll, false);
    strategy.calculateStrategy(poll, true); // a task: the looks count from zero again
    for (int look = 1; look <= 3; look++) {
      assertEquals(SelectStrategy.CONTINUE, strategy.calculateStrategy(poll, false));
    }
    assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(poll, false));
    assertEquals(SelectStrategy.CONTINUE, strategy.calculateStrategy(poll, false), "after select");
  }

  @Test
  void withSpinningOffItIsNettysDefault() throws Exception {
    SpinThenSelect strategy = new SpinThenSelect(0);
    Poll poll = new Poll(0);
    assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(poll, false));
    assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(poll, false));
    assertEquals(0, strategy.calculateStrategy(poll, true));
  }

  @Test
  void aFailingPollReachesNettysLoop() {
    SpinThenSelect strategy = new SpinThenSelect(128);
    IOException broken = new IOException("selector broken");
    IntSupplier failing =
        () -> {
          throw broken;
        };
    assertSame(
        broken, assertThrows(IOException.class, () -> strategy.calculateStrategy(failing, true)));
  }

  @Test
  void eachLoopGetsAStrategyOfItsOwn() {
    assertNotSame(
        SpinThenSelect.FACTORY.newSelectStrategy(),
        SpinThenSelect.FACTORY.newSelectStrategy(),
        "a strategy counts one loop's looks");
  }

  @Test
  void anOwnedLoopOutOfWorkBlocksInItsSelectorInsteadOfSpinning() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled());
    LoopPortal loop = Portals.newEventLoopThread(PortalOptions.builder().name("idle").build());
    try {
      Thread thread = loop.submit(Call.of(Thread::currentThread)).result(Duration.ofSeconds(10));
      // A loop that never selected would use its core all through this window; a blocked one
      // almost none of it. The window is the measurement, not a wait for something to happen.
      long window = TimeUnit.MILLISECONDS.toNanos(500);
      long cpuBefore = threads.getThreadCpuTime(thread.getId());
      long start = System.nanoTime();
      long left;
      while ((left = window - (System.nanoTime() - start)) > 0) {
        LockSupport.parkNanos(left);
      }
      long cpu = threads.getThreadCpuTime(thread.getId()) - cpuBefore;
      assertTrue(
          cpu < window / 5,
          "the idle loop used " + TimeUnit.NANOSECONDS.toMillis(cpu) + " ms of CPU in 500 ms");
    } finally {
      loop.shutdown();
      assertTrue(loop.awaitTermination(Duration.ofSeconds(10)));
    }
  }
}

package org.portal4j.netty;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import org.portal4j.internal.SpinWait;

/**
 * The select strategy of an event loop the Netty backend owns: with no task queued, the loop goes
 * round again {@link SpinWait#SPINS} times, looking for tasks, before Netty blocks it in its
 * selector, as portal4j's own loops look again before they park.
 *
 * <p>A call handed to a loop blocked in its selector waits for the selector's wake-up, which costs
 * tens of microseconds on a quiet machine: with Netty's default strategy, the Netty backend's loop
 * round trip went at the rate of Netty's own loop, never faster than the JDK's executors
 * (docs/benchmarks.md). A loop that looks again catches a call handed to it within the spin, as
 * portal4j's platform loop does, and costs the core it spins on a few microseconds each time it
 * runs out of work. With {@code portal4j.spins=0}, or on one processor, it is Netty's default
 * strategy.
 *
 * <p>Channels registered on the loop are polled while it spins: every 16th look, and whenever a
 * task is queued (as Netty's default does), the strategy polls the selector without blocking.
 */
final class SpinThenSelect implements SelectStrategy {

  /** Makes one for each loop: a strategy counts its loop's looks, on that loop's thread. */
  static final SelectStrategyFactory FACTORY = () -> new SpinThenSelect(SpinWait.SPINS);

  /** How often a spinning loop polls its channels: every this many looks. */
  private static final int POLL_EVERY = 16;

  private final int spins;

  /** Looks made since the loop last found a task; its thread's own. */
  private int looks;

  SpinThenSelect(int spins) {
    this.spins = spins;
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    if (hasTasks) {
      looks = 0;
      return selectSupplier.get(); // Netty's default: poll the channels, then run the tasks
    }
    if (looks >= spins) {
      looks = 0;
      return SelectStrategy.SELECT; // Netty's select, with its own guard against a lost wake-up
    }
    looks++;
    if (looks % POLL_EVERY == 0) {
      return selectSupplier.get();
    }
    Thread.onSpinWait();
    return SelectStrategy.CONTINUE;
  }
}

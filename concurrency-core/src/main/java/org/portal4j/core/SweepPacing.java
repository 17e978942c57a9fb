package org.portal4j.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * When to sweep a registry of threads for the ones that ended ({@link RunningCalls}' slots, {@link
 * WaitGraph}'s entries): after as many additions as the last sweep left entries, and at least a
 * minimum, so the registry holds about twice the live entries and a sweep costs a constant per
 * addition; and once in {@value #REUSES_PER_SWEEP} reuses of a kept entry, so that the entries of
 * threads that ended (a pool shut down) go even when no new thread comes. One sweeper at a time;
 * the others carry on without waiting.
 */
final class SweepPacing {

  /** On average, how many reuses of a kept entry come between two sweeps they start. */
  static final int REUSES_PER_SWEEP = 4096;

  private final int minimum;
  private final AtomicInteger added = new AtomicInteger();
  private final AtomicBoolean sweeping = new AtomicBoolean();
  private volatile int sweepAt;

  /**
   * @param minimum the fewest additions between two sweeps, at least 1
   */
  SweepPacing(int minimum) {
    if (minimum < 1) {
      throw new IllegalArgumentException("minimum must be positive: " + minimum);
    }
    this.minimum = minimum;
    this.sweepAt = minimum;
  }

  /**
   * An entry was added: sweeps if that is due.
   *
   * @param sweep drops the entries of threads that ended; returns how many are left
   */
  void added(IntSupplier sweep) {
    if (added.incrementAndGet() >= sweepAt) {
      sweep(sweep);
    }
  }

  /**
   * An entry that was kept was used again: sweeps once in about {@value #REUSES_PER_SWEEP} times.
   *
   * @param sweep drops the entries of threads that ended; returns how many are left
   */
  void reused(IntSupplier sweep) {
    if (ThreadLocalRandom.current().nextInt(REUSES_PER_SWEEP) == 0) {
      sweep(sweep);
    }
  }

  /**
   * Sweeps now, unless another thread is sweeping.
   *
   * @param sweep drops the entries of threads that ended; returns how many are left
   */
  void sweep(IntSupplier sweep) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      added.set(0); // what is added during the sweep counts towards the next
      sweepAt = Math.max(minimum, sweep.getAsInt());
    } finally {
      sweeping.set(false);
    }
  }
}

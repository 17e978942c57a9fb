package org.portal4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The clock of the times diagnostics show (how long a call has been queued or running): {@link
 * System#nanoTime()} as of its last tick, read as one volatile field. Reading {@code nanoTime}
 * costs about 15 ns here, and a call took two, one as it was submitted and one as it started: a
 * third of a fire-and-forget {@code submit(Call)} (FireAndForgetBenchmark; see docs/benchmarks.md).
 *
 * <p>It ticks every {@link #TICK_NANOS} on the runtime's timer thread ({@link TimeoutScheduler}),
 * for {@link #LEASE_TICKS} ticks after the read that started it, and then stops, so a JVM whose
 * portals are idle sees no ticks. A read that finds it stopped reads {@code nanoTime} itself and
 * starts it again. A reading is never ahead of {@code nanoTime}, and behind it by at most a tick
 * and however late the timer thread runs the tick: good for ages, not for deadlines, which must
 * never fire early and so read {@code nanoTime}.
 *
 * <p>With the system property {@value #PRECISE_PROPERTY} set to {@code true}, calls read {@code
 * nanoTime} themselves: ages to the nanosecond, and no timer thread for a model checker to trip
 * over (the model tests set it: Lincheck cannot run a model whose threads hand work to a thread it
 * does not control).
 */
final class CoarseClock {

  /** The system property that makes {@link #now()} read {@code nanoTime}: {@code true}. */
  static final String PRECISE_PROPERTY = "portal4j.preciseAges";

  private static final boolean PRECISE = Boolean.getBoolean(PRECISE_PROPERTY);

  /** How often it ticks while in use. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** How many ticks a start buys: one second of ticks. */
  static final int LEASE_TICKS = 100;

  private static final VarHandle TICKING;

  static {
    try {
      TICKING = MethodHandles.lookup().findVarHandle(CoarseClock.class, "ticking", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The one the runtime reads: it ticks on the runtime's timer thread. */
  private static final CoarseClock RUNTIME =
      new CoarseClock(
          tick -> TimeoutScheduler.schedule(tick, TICK_NANOS), System::nanoTime, LEASE_TICKS);

  private final Consumer<Runnable> scheduler;
  private final LongSupplier nanoTime;
  private final int leaseTicks;
  private final Runnable tick = this::tick;

  /** {@link #nanoTime} at the last tick, or at the read that started the ticks. */
  private volatile long last;

  /** Whether ticks are scheduled: {@link #last} is at most a tick old. */
  @SuppressWarnings("unused") // through TICKING as well
  private volatile boolean ticking;

  /** Ticks since the start; the ticks' own (they run one at a time, each after the one before). */
  private int ticks;

  /**
   * A clock over {@code nanoTime} whose ticks {@code scheduler} runs: it must run each tick handed
   * to it once, {@link #TICK_NANOS} later, one at a time. Tests pass their own.
   *
   * @param leaseTicks how many ticks a start buys, at least 1
   */
  CoarseClock(Consumer<Runnable> scheduler, LongSupplier nanoTime, int leaseTicks) {
    if (leaseTicks < 1) {
      throw new IllegalArgumentException("leaseTicks must be positive: " + leaseTicks);
    }
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.leaseTicks = leaseTicks;
  }

  /**
   * The runtime's clock, now: {@link System#nanoTime()} as of at most a tick ago, or now with
   * {@value #PRECISE_PROPERTY}.
   */
  static long now() {
    return PRECISE ? System.nanoTime() : RUNTIME.read();
  }

  /**
   * The time, as of at most a tick (and the timer thread's lateness) ago; never ahead of {@code
   * nanoTime}. Any thread; never throws.
   */
  long read() {
    return ticking ? last : start();
  }

  private long start() {
    long now = nanoTime.getAsLong();
    // Written before the start is seen, so that no reader finds the clock ticking with a time left
    // from before it stopped. A starter that loses the race may write a time a little older than
    // the ticker's; the next tick puts that right.
    last = now;
    if (TICKING.compareAndSet(this, false, true)) {
      try {
        scheduler.accept(tick);
      } catch (Throwable t) { // no timer thread now: read nanoTime until there is one
        ticking = false;
      }
    }
    return now;
  }

  private void tick() {
    last = nanoTime.getAsLong();
    if (++ticks < leaseTicks) {
      try {
        scheduler.accept(tick);
        return;
      } catch (Throwable t) {
        // stop below: the next read starts it again
      }
    }
    ticks = 0; // before the stop is seen: the next start's ticks count from zero
    ticking = false;
  }

  /** Whether ticks are scheduled; for tests. */
  boolean isTicking() {
    return ticking;
  }
}

package org.portal4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * starts it again; reads until the first tick read {@code nanoTime} too. A reading is never ahead
 * of {@code nanoTime}, and behind it by at most a tick and however late the timer thread runs the
 * tick: good for ages. Not for deadlines on its own, which must never fire early: a far deadline
 * instead asks, on the ticks' thread, for the second tick after the reading its call started with
 * ({@link #secondTickAfter}), a time no earlier than that start.
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

  /**
   * How many watchdogs are on. While any is, calls read {@code nanoTime}: a threshold may be a few
   * milliseconds, and an age read a tick long would report a call stuck before it is.
   */
  private static final AtomicInteger WATCHDOGS = new AtomicInteger();

  /** How often it ticks while in use. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** How many ticks a start buys: one second of ticks. */
  static final int LEASE_TICKS = 100;

  private static final VarHandle LAST;

  static {
    try {
      LAST = MethodHandles.lookup().findVarHandle(CoarseClock.class, "last", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What {@link #last} holds while no tick is scheduled. */
  private static final long STOPPED = Long.MIN_VALUE;

  /** What {@link #last} holds from a start until the first tick: reads read nanoTime. */
  private static final long STARTING = Long.MIN_VALUE + 1;

  /** The one the runtime reads: it ticks on the runtime's timer thread. */
  private static final CoarseClock RUNTIME =
      new CoarseClock(
          tick -> TimeoutScheduler.schedule(tick, TICK_NANOS), System::nanoTime, LEASE_TICKS);

  private final Consumer<Runnable> scheduler;
  private final LongSupplier nanoTime;
  private final int leaseTicks;
  private final Runnable tick = this::tick;

  /**
   * {@link #nanoTime} at the last tick; {@link #STARTING} until the first, {@link #STOPPED} while
   * none is scheduled. Only ticks write a time: a read that starts the clock, however long it is
   * descheduled, never leaves a time older than the ticks' behind it (as a hostile review showed an
   * earlier version could).
   */
  private volatile long last = STOPPED;

  /** Ticks since the start; the ticks' own (they run one at a time, each after the one before). */
  private int ticks;

  /** How many tick times {@link #recent} remembers. */
  static final int REMEMBERED = 32;

  /**
   * The last {@link #REMEMBERED} tick times, tick {@code i} at {@code i % REMEMBERED}; the ticks'
   * own, read by {@link #secondTickAfter} on their thread.
   */
  private final long[] recent = new long[REMEMBERED];

  /** How many ticks ever wrote a time; the ticks' own. */
  private long recorded;

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
   * {@value #PRECISE_PROPERTY} or while a watchdog is on.
   */
  static long now() {
    return precise() ? System.nanoTime() : RUNTIME.read();
  }

  /**
   * The runtime's clock as its ticks left it, whatever {@link #precise()} says: a reading for a far
   * deadline's {@link #secondTickAfter}.
   */
  static long coarse() {
    return RUNTIME.read();
  }

  /** Whether {@link #now()} reads {@code nanoTime} now: the property, or a watchdog on. */
  static boolean precise() {
    return PRECISE || WATCHDOGS.get() > 0;
  }

  /** A watchdog was turned on, or off: see {@link #WATCHDOGS}. */
  static void watchdog(boolean on) {
    WATCHDOGS.addAndGet(on ? 1 : -1);
  }

  /**
   * The time, as of at most a tick (and the timer thread's lateness) ago; never ahead of {@code
   * nanoTime}. Any thread; never throws.
   */
  long read() {
    long t = last;
    return t > STARTING ? t : start(t);
  }

  private long start(long seen) {
    if (seen == STOPPED && LAST.compareAndSet(this, STOPPED, STARTING)) {
      try {
        scheduler.accept(tick);
      } catch (Throwable t) { // no timer thread now: read nanoTime until there is one
        last = STOPPED;
      }
    }
    return fresh();
  }

  private void tick() {
    if (++ticks < leaseTicks) {
      long now = fresh();
      recent[(int) (recorded++ % REMEMBERED)] = now;
      last = now;
      try {
        scheduler.accept(tick);
        return;
      } catch (Throwable t) {
        // stop below: the next read starts it again
      }
    }
    ticks = 0; // the next start's ticks count from zero; they run on this thread, after this one
    last = STOPPED;
  }

  /**
   * A time no earlier than any moment at which {@link #read()} read the clock and returned {@code
   * reading}. For a tick's time, the time of the second tick after the one that wrote it: a read
   * that returned a tick's time came before the next write of the clock, and the tick after that
   * one read {@code nanoTime} after that write. For a read of {@code nanoTime} itself (the clock
   * stopped or starting), the reading: a time not remembered yet newer than the oldest tick
   * remembered can only be one, since every tick time from there on is remembered. So a far
   * deadline counted from this time never fires early, and fires about two ticks late at most, plus
   * however late the ticks ran. Call it on the thread that runs the ticks.
   *
   * @return that time, or {@link Long#MAX_VALUE} if it is not known: {@code reading} may be a tick
   *     long gone, or the second tick after it has not come yet
   */
  long secondTickAfter(long reading) {
    if (recorded == 0) {
      return reading; // no tick ever wrote a time: a read of nanoTime itself
    }
    long first = Math.max(0, recorded - REMEMBERED);
    // From the last tick back: two ticks may write one time, and the later of them bounds the read.
    for (long i = recorded - 1; i >= first; i--) {
      if (recent[(int) (i % REMEMBERED)] == reading) {
        return i + 2 < recorded ? recent[(int) ((i + 2) % REMEMBERED)] : Long.MAX_VALUE;
      }
    }
    return reading - recent[(int) (first % REMEMBERED)] > 0 ? reading : Long.MAX_VALUE;
  }

  /** {@link #secondTickAfter} of the runtime's clock; on the runtime's timer thread only. */
  static long runtimeSecondTickAfter(long reading) {
    return RUNTIME.secondTickAfter(reading);
  }

  /** {@link #nanoTime} now, never one of the two values that mean no time. */
  private long fresh() {
    long now = nanoTime.getAsLong();
    return now > STARTING ? now : STARTING + 1;
  }

  /** Whether ticks are scheduled; for tests. */
  boolean isTicking() {
    return last != STOPPED;
  }
}

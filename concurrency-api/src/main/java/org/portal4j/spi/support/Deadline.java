package org.portal4j.spi.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A moment on the {@link System#nanoTime()} clock, or never. Every timed wait and timeout of
 * portal4j goes through it, so that they all read durations the same way, the way the JDK's timed
 * waits do: a duration too large to count in nanoseconds (about 292 years, {@code
 * ChronoUnit.FOREVER.getDuration()} included) means forever, and never throws {@link
 * ArithmeticException}; zero and negative ones mean "now".
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1
 */
public final class Deadline {

  private static final Deadline NEVER = new Deadline(0, true);

  private final long at;
  private final boolean never;

  private Deadline(long at, boolean never) {
    this.at = at;
    this.never = never;
  }

  /**
   * The deadline {@code timeout} from now.
   *
   * @param timeout how long from now; too large to count in nanoseconds means never
   * @return the deadline
   * @throws NullPointerException if {@code timeout} is null
   */
  public static Deadline after(Duration timeout) {
    long nanos = nanosOf(timeout);
    if (nanos == Long.MAX_VALUE) {
      return NEVER;
    }
    long now = System.nanoTime();
    long end = now + nanos;
    // Overflow of the clock sum: so far away that it is never, for any purpose.
    return end - now < 0 ? NEVER : new Deadline(end, false);
  }

  /**
   * A deadline that never comes.
   *
   * @return the deadline
   */
  public static Deadline never() {
    return NEVER;
  }

  /**
   * {@code duration} in nanoseconds, saturated: {@link Long#MAX_VALUE} when it is too large to
   * count (read it as forever), at most 0 when it is zero or negative.
   *
   * @param duration a duration
   * @return its nanoseconds, or {@link Long#MAX_VALUE}
   * @throws NullPointerException if {@code duration} is null
   */
  public static long nanosOf(Duration duration) {
    if (duration == null) {
      throw new NullPointerException("duration");
    }
    if (duration.isNegative()) {
      return 0;
    }
    // Duration.toNanos throws past Long.MAX_VALUE ns; 292 years is forever for any wait.
    if (duration.getSeconds() >= TimeUnit.NANOSECONDS.toSeconds(Long.MAX_VALUE)) {
      return Long.MAX_VALUE;
    }
    return duration.toNanos();
  }

  /**
   * Whether {@code duration} means forever.
   *
   * @param duration a duration
   * @return true if it is too large to count in nanoseconds
   */
  public static boolean isForever(Duration duration) {
    return nanosOf(duration) == Long.MAX_VALUE;
  }

  /**
   * Whether this deadline never comes.
   *
   * @return true for {@link #never()}
   */
  public boolean isNever() {
    return never;
  }

  /**
   * Nanoseconds left: {@link Long#MAX_VALUE} for never, 0 or less once passed.
   *
   * @return what is left
   */
  public long remainingNanos() {
    return never ? Long.MAX_VALUE : at - System.nanoTime();
  }

  /**
   * Whether the deadline has passed.
   *
   * @return true once passed; never for {@link #never()}
   */
  public boolean hasPassed() {
    return !never && at - System.nanoTime() <= 0;
  }

  /**
   * Waits until {@code latch} opens or this deadline passes.
   *
   * @param latch the latch
   * @return true if it opened in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean await(CountDownLatch latch) throws InterruptedException {
    if (never) {
      latch.await();
      return true;
    }
    return latch.await(Math.max(0, remainingNanos()), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until {@code thread} has ended or this deadline passes.
   *
   * @param thread the thread
   * @return true if it ended in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean join(Thread thread) throws InterruptedException {
    if (never) {
      thread.join();
    } else {
      long left = remainingNanos();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
    }
    return !thread.isAlive();
  }

  @Override
  public String toString() {
    return never ? "Deadline[never]" : "Deadline[in " + Duration.ofNanos(remainingNanos()) + "]";
  }
}

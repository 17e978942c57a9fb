package org.portal4j.internal;

import org.jspecify.annotations.Nullable;

/**
 * How long a thread that is about to park looks again first. A handoff between two running threads
 * often completes within a microsecond, while a park and its unpark cost tens of microseconds on a
 * quiet machine; so, like {@code SynchronousQueue} and {@code LinkedTransferQueue}, portal4j's
 * waits look again {@link #SPINS} times, pausing with {@link Thread#onSpinWait()} between looks,
 * before they park. A spin never waits for anything but a change of state it can see: it only
 * decides how soon a thread gives up its core.
 *
 * <p>{@link #SPINS} is 128 (the JDK's count) on a machine with more than one processor and 0 on
 * one, where the other party cannot run while this one spins. The system property {@value
 * #PROPERTY} replaces it (0 turns spinning off; at most {@value #MAX_SPINS}, about 1.5 ms here, so
 * that no value makes a wait burn a core for long), read once when portal4j first waits.
 *
 * <p>Internal: for portal4j's own modules; it may change in any release.
 *
 * @since 0.1
 */
public final class SpinWait {

  /** The system property that sets {@link #SPINS}: a count, 0 to park at once. */
  public static final String PROPERTY = "portal4j.spins";

  /** The largest count {@value #PROPERTY} may set; a larger one is cut to it. */
  public static final int MAX_SPINS = 1 << 16;

  /** How many times a wait looks again before it parks. */
  public static final int SPINS = spins(System.getProperty(PROPERTY));

  private SpinWait() {}

  /**
   * One pause of a thread waiting out a few steps another thread is between (a CAS and the store
   * that follows it): {@link Thread#onSpinWait()}, and every 64th time {@link Thread#yield()},
   * since the other thread may have lost its core in between.
   *
   * @param spins how many pauses this wait made before, counting from 1
   */
  public static void pause(int spins) {
    if ((spins & 63) == 0) {
      Thread.yield();
    } else {
      Thread.onSpinWait();
    }
  }

  static int spins(@Nullable String property) {
    int fallback = Runtime.getRuntime().availableProcessors() > 1 ? 1 << 7 : 0;
    if (property == null) {
      return fallback;
    }
    try {
      return Math.min(MAX_SPINS, Math.max(0, Integer.parseInt(property.trim())));
    } catch (NumberFormatException e) {
      return fallback; // a wrong value must not stop portal4j: it only tunes a wait
    }
  }
}

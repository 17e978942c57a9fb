package org.portal4j.spi;

import java.time.Duration;
import java.util.concurrent.Future;
import org.portal4j.ContextKey;
import org.portal4j.LoopPortal;

/**
 * What the runtime does for portals built on {@link org.portal4j.spi.support}: the one shared timer
 * thread, the registry of live portals (which the runtime ends at JVM exit and lists for
 * diagnostics), and the answer to {@link org.portal4j.Portals#currentLoop()}. Obtained from {@link
 * ConcurrencyRuntime#portalSupport()}; portal authors use it through the support base classes.
 *
 * <p>Every method is thread-safe and returns promptly; none runs the caller's code.
 *
 * @since 0.1
 */
public interface PortalSupport {

  /**
   * Runs {@code task} once on the runtime's shared timer thread after {@code delay}. The task must
   * be short and must not block; a throw is logged. A delay too large to count in nanoseconds means
   * never.
   *
   * @param task the task
   * @param delay how long from now
   * @return a future whose {@code cancel} removes the task at once
   */
  Future<?> schedule(Runnable task, Duration delay);

  /**
   * Tracks a started portal until the returned registration is closed (when the portal has
   * terminated). At JVM exit the runtime ends whatever a tracked portal still holds, with a WARN
   * per portal that says how much.
   *
   * @param portal the portal's handle
   * @return the registration; closing it twice is harmless
   */
  Registration register(PortalHandle portal);

  /**
   * Marks the current thread as {@code loop}'s thread, so that {@link
   * org.portal4j.Portals#currentLoop()} answers {@code loop} on it, until the scope is closed.
   *
   * @param loop the loop whose tasks this thread runs
   * @return a scope that restores what the thread was bound to before
   */
  ContextKey.Scope bindLoop(LoopPortal loop);

  /**
   * A portal's place in the registry, given up with {@link #close()}.
   *
   * @since 0.1
   */
  interface Registration extends AutoCloseable {
    /** Removes the portal from the registry; harmless when done twice. */
    @Override
    void close();
  }
}

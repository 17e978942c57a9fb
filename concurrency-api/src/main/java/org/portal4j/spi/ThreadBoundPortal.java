package org.portal4j.spi;

import java.util.Optional;
import org.portal4j.Portal;

/**
 * A portal whose calls can run on one thread only (a worker's thread, an event loop's thread, a
 * waiter's owner). Blocking waits use it to fail fast: waiting on that very thread for a call that
 * has not started would never end, and neither would a cycle of threads that each wait for the
 * next; the runtime throws {@link org.portal4j.DeadlockException} instead of hanging. Custom
 * single-thread portals should implement it too.
 *
 * @since 0.1
 */
public interface ThreadBoundPortal extends Portal {

  /**
   * Whether calls submitted to this portal can only run on {@code thread}.
   *
   * @param thread a thread
   * @return true if {@code thread} is the only one that runs this portal's calls
   */
  boolean runsOnlyOn(Thread thread);

  /**
   * The thread that runs this portal's calls, if the portal knows it (it may not have started yet).
   * Deadlock detection follows it directly; without it, it asks {@link #runsOnlyOn} of the threads
   * that are blocked.
   *
   * @return the thread, empty by default
   */
  default Optional<Thread> thread() {
    return Optional.empty();
  }
}

package org.portal4j.core;

/**
 * A portal whose calls can run on one thread only. Blocking on a call submitted to such a portal,
 * from that very thread, would never end; waits check this and fail fast instead.
 */
interface ThreadBoundPortal {

  /**
   * Whether calls submitted to this portal can only run on {@code thread}.
   *
   * @param thread a thread
   * @return true if {@code thread} is the only one that runs this portal's calls
   */
  boolean runsOnlyOn(Thread thread);
}

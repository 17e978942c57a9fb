package org.portal4j.core;

/**
 * The lifecycle of a portal with a thread of its own: NEW → RUNNING → SHUTTING_DOWN → TERMINATED
 * (NEW → TERMINATED when shut down before it started). Portals change it under their own lock,
 * together with queueing, and publish it through a volatile field so that the questions below need
 * no lock.
 */
public enum PortalState {
  /** Made, no thread yet. */
  NEW,
  /** Taking calls. */
  RUNNING,
  /** Shut down: finishing what it took, taking nothing new. */
  SHUTTING_DOWN,
  /** Done; its thread has ended or is ending. */
  TERMINATED;

  /**
   * Whether the portal has started and not yet terminated.
   *
   * @return true for RUNNING and SHUTTING_DOWN
   */
  public boolean isRunning() {
    return this == RUNNING || this == SHUTTING_DOWN;
  }

  /**
   * Whether the portal takes no more calls.
   *
   * @return true for SHUTTING_DOWN and TERMINATED
   */
  public boolean isShutdown() {
    return this == SHUTTING_DOWN || this == TERMINATED;
  }
}

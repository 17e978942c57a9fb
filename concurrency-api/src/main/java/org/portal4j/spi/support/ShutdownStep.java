package org.portal4j.spi.support;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A step of a portal's own shutdown sequence that holds calls (the shutdown calls still to run
 * after an async one): it either runs, or, when the portal is abandoned at JVM exit or its executor
 * refuses to run it, ends the calls it holds. Exactly one of the two, whichever comes first: the
 * portal's thread may be about to run it while another thread abandons the portal.
 */
abstract class ShutdownStep implements Runnable {

  private final AtomicBoolean claimed = new AtomicBoolean();

  @Override
  public final void run() {
    if (claimed.compareAndSet(false, true)) {
      proceed();
    }
  }

  /**
   * Ends the calls the step holds, unless it ran or was abandoned already.
   *
   * @param cause the cause of their cancellation
   * @return how many calls it cancelled
   */
  final int abandon(Throwable cause) {
    return claimed.compareAndSet(false, true) ? cancelHeld(cause) : 0;
  }

  /** The step itself, on the portal's thread. */
  abstract void proceed();

  /** Cancels the calls the step holds with {@code cause}; returns how many it cancelled. */
  abstract int cancelHeld(Throwable cause);
}

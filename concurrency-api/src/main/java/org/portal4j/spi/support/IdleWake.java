package org.portal4j.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How a portal's own thread parks while it has nothing to do, and how a submitter wakes it without
 * waking a thread that runs. The thread marks itself idle and then looks for work once more; a
 * submitter hands its work over and then looks whether the thread is idle. Both are volatile
 * accesses, so one of the two sees the other: no work is left behind a parked thread. Only the
 * first submitter that finds the thread idle unparks it (it clears the mark): one wake-up per park.
 */
final class IdleWake {

  private static final VarHandle IDLE;

  static {
    try {
      IDLE = MethodHandles.lookup().findVarHandle(IdleWake.class, "idle", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile boolean idle;

  /** The thread that parks: written before it marks itself idle, read after the mark is seen. */
  private @Nullable Thread parking;

  /**
   * On the parking thread: marks it idle, then parks unless {@code workCame} finds something to do,
   * until a submitter wakes it (or, with a limit, {@code nanos} pass). An interrupt that reached
   * the idle thread belongs to no call, only to the wake-up: it is cleared, or every later park
   * would return at once and the idle thread spin.
   *
   * @param workCame whether there is work (or the end) after all; looked at once, after the mark
   * @param blocker what the thread parks on, as thread dumps show it
   * @param nanos the longest park, or 0 for no limit (a limit is for the jcstress test)
   * @return whether the thread found work or was woken by a submitter; false if it parked and was
   *     not woken: a spurious return without a limit, or the limit passed
   */
  boolean parkUnless(BooleanSupplier workCame, Object blocker, long nanos) {
    parking = Thread.currentThread();
    idle = true;
    boolean woken = true;
    if (!workCame.getAsBoolean()) {
      if (nanos == 0) {
        LockSupport.park(blocker); // a spurious return is the caller's to loop over
      } else {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; idle && left > 0; left = deadline - System.nanoTime()) {
          LockSupport.parkNanos(blocker, left);
        }
      }
      Thread.interrupted();
      woken = !idle; // a submitter that unparks clears the mark first
    }
    idle = false;
    return woken;
  }

  /**
   * On a submitter, after it handed its work over: unparks the parking thread if it is idle, unless
   * another submitter does.
   */
  void wake() {
    if (idle && IDLE.compareAndSet(this, true, false)) {
      LockSupport.unpark(parking);
    }
  }
}

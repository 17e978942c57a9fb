package org.portal4j.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;

/**
 * The call a portal's thread is running right now, on a cache line of its own. The portal's thread
 * writes it twice per call; had it stayed a field of the portal, next to the state and the queue
 * that every submitter reads, each of those writes would have taken the line from the submitting
 * core, and the submitter's next read would have waited to get it back (FireAndForgetBenchmark:
 * {@code submit(Call)} ran 40% faster without the writes; see docs/benchmarks.md).
 *
 * <p>The padding is in the class hierarchy, as in JCTools: the JVM lays out a superclass's fields
 * before its subclass's, so this class's 64 bytes come before the slot and its subclass's after.
 * The int fills the 4 bytes a 12-byte object header leaves before the longs, which the JVM would
 * otherwise give to the subclass's field, right behind the header and so next to whatever object
 * precedes this one (a hostile review measured it at offset 12; with the int it is at 80).
 */
@SuppressWarnings("unused") // the p and q fields are padding
abstract class RunningCallSlot {

  private int p;
  private long p0, p1, p2, p3, p4, p5, p6, p7;

  /** A new, empty slot. */
  static RunningCallSlot create() {
    return new Padded();
  }

  /**
   * The portal's thread starts, or ends (null), running a call. A release store: the readers,
   * diagnostics and the JVM-exit sweep, need no fence to see it soon enough.
   */
  abstract void set(@Nullable Call<?> running);

  /** The call being run, or null; any thread. */
  abstract @Nullable Call<?> get();

  private static class Slot extends RunningCallSlot {
    private static final VarHandle CALL;

    static {
      try {
        CALL = MethodHandles.lookup().findVarHandle(Slot.class, "call", Call.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private volatile @Nullable Call<?> call;

    @Override
    final void set(@Nullable Call<?> running) {
      CALL.setRelease(this, running);
    }

    @Override
    final @Nullable Call<?> get() {
      return call;
    }
  }

  private static final class Padded extends Slot {
    private long q0, q1, q2, q3, q4, q5, q6, q7;
  }
}

package org.portal4j.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;

/**
 * The call a portal's thread is running right now, on a cache line of its own ({@link LinePadding}
 * before it, {@link #create()}'s subclass after). The portal's thread writes it twice per call; had
 * it stayed a field of the portal, next to the state and the queue that every submitter reads, each
 * of those writes would have taken the line from the submitting core, and the submitter's next read
 * would have waited to get it back (FireAndForgetBenchmark: {@code submit(Call)} ran 40% faster
 * without the writes; see docs/benchmarks.md).
 */
class RunningCallSlot extends LinePadding {

  private static final VarHandle CALL;

  static {
    try {
      CALL = MethodHandles.lookup().findVarHandle(RunningCallSlot.class, "call", Call.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile @Nullable Call<?> call;

  private RunningCallSlot() {}

  /** A new, empty slot, padded on both sides. */
  static RunningCallSlot create() {
    return new Padded();
  }

  /**
   * The portal's thread starts, or ends (null), running a call. A release store: the readers,
   * diagnostics and the JVM-exit sweep, need no fence to see it soon enough.
   */
  final void set(@Nullable Call<?> running) {
    CALL.setRelease(this, running);
  }

  /** The call being run, or null; any thread. */
  final @Nullable Call<?> get() {
    return call;
  }

  /** The 64 bytes after the slot. */
  @SuppressWarnings("unused") // padding
  private static final class Padded extends RunningCallSlot {
    private long q0, q1, q2, q3, q4, q5, q6, q7;
  }
}

package org.portal4j.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;
import org.portal4j.spi.ContextPropagator;
import org.slf4j.MDC;

/**
 * The built-in propagator of the SLF4J {@link MDC}: a copy of the creating thread's map, or null
 * when it is empty. Restoring replaces the running thread's whole map, and closing puts that
 * thread's own map back (entries the call added or removed included).
 *
 * <p>{@link CallContext} chains its scope with the {@link ContextKey} one, so that a call without
 * custom propagators allocates one scope object per run, as before propagators existed.
 */
final class MdcPropagator implements ContextPropagator<Map<String, String>> {

  static final MdcPropagator INSTANCE = new MdcPropagator();

  private MdcPropagator() {}

  @Override
  public @Nullable Map<String, String> capture() {
    @Nullable Map<String, String> mdc = MDC.getCopyOfContextMap();
    return mdc == null || mdc.isEmpty() ? null : mdc;
  }

  @Override
  public ContextKey.Scope restore(@Nullable Map<String, String> value) {
    return restoreAround(value, CallContext.NOTHING);
  }

  /**
   * Restores {@code value}, and returns a scope that puts the thread's map back and then closes
   * {@code inner}, the scope opened just before this one. Never throws: a failing MDC adapter is
   * logged and {@code inner} is still closed.
   */
  ContextKey.Scope restoreAround(@Nullable Map<String, String> value, ContextKey.Scope inner) {
    @Nullable Map<String, String> previous;
    try {
      previous = MDC.getCopyOfContextMap();
    } catch (Throwable t) {
      CallContext.warn(this, "restore", t);
      return inner;
    }
    if (value == null && (previous == null || previous.isEmpty())) {
      return new Clearing(inner); // none here or there: none left behind by the call either
    }
    try {
      set(value);
    } catch (Throwable t) {
      CallContext.warn(this, "restore", t); // and still put the previous map back at close
    }
    return new Restoring(previous, inner);
  }

  private static void set(@Nullable Map<String, String> values) {
    if (values == null || values.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(values);
    }
  }

  @Override
  public String toString() {
    return "MDC propagator";
  }

  /** Closes a run on a thread that had no MDC: clears whatever the call left. */
  private static final class Clearing implements ContextKey.Scope {
    private final ContextKey.Scope inner;

    Clearing(ContextKey.Scope inner) {
      this.inner = inner;
    }

    @Override
    public void close() {
      try {
        MDC.clear();
      } catch (Throwable t) {
        CallContext.warn(INSTANCE, "close", t);
      }
      inner.close();
    }
  }

  /** Closes a run on a thread that had an MDC: puts it back. */
  private static final class Restoring implements ContextKey.Scope {
    private final @Nullable Map<String, String> previous;
    private final ContextKey.Scope inner;

    Restoring(@Nullable Map<String, String> previous, ContextKey.Scope inner) {
      this.previous = previous;
      this.inner = inner;
    }

    @Override
    public void close() {
      try {
        set(previous);
      } catch (Throwable t) {
        CallContext.warn(INSTANCE, "close", t);
      }
      inner.close();
    }
  }
}

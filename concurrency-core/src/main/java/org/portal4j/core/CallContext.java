package org.portal4j.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;
import org.portal4j.spi.ContextPropagator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a call carries from the thread that created it to the thread that runs it: what each {@link
 * ContextPropagator} captured. The built-in ones ({@link ContextKey} values, then the SLF4J MDC)
 * come first, then the custom ones of {@link ContextPropagators}, in that order; their scopes are
 * opened in that order around the call's function and closed in the reverse order.
 *
 * <p>Every propagator method runs guarded: whatever one throws is logged at WARN naming it, and the
 * others still run, so that neither {@link #capture()} nor {@link #attach()} nor the scope's {@code
 * close()} ever throws and a call always ends.
 *
 * <p>Cost: a call made where nothing is set shares one empty context, and with no custom propagator
 * running a call allocates one scope object. Custom propagators add an array of captured values
 * (only when one of them captured something) and, per run, one more scope object (and an array of
 * their scopes when there are several), besides what their own scopes cost.
 */
final class CallContext {

  private static final Logger log = LoggerFactory.getLogger(CallContext.class);

  /** A scope with nothing to undo. */
  static final ContextKey.Scope NOTHING = () -> {};

  /**
   * Nothing to carry: shared by every call made where no key, no MDC entry and no custom value is
   * set. Made from the first empty snapshot (a benign race: every empty context is alike).
   */
  private static @Nullable CallContext empty;

  /** Null only if capturing failed. */
  private final ContextKey.@Nullable Snapshot keys;

  private final @Nullable Map<String, String> mdc;

  /**
   * What the custom propagators captured, index for index; null when none captured anything (each
   * then restores null).
   */
  private final @Nullable Object @Nullable [] values;

  private CallContext(
      ContextKey.@Nullable Snapshot keys,
      @Nullable Map<String, String> mdc,
      @Nullable Object @Nullable [] values) {
    this.keys = keys;
    this.mdc = mdc;
    this.values = values;
  }

  /** Captures the current thread's context. Never throws. */
  static CallContext capture() {
    return capture(ContextPropagators.custom());
  }

  /** Captures with these custom propagators (tests pass their own). */
  static CallContext capture(ContextPropagator<Object>[] custom) {
    ContextKey.@Nullable Snapshot keys;
    try {
      keys = ContextKeyPropagator.INSTANCE.capture();
    } catch (Throwable t) {
      warn(ContextKeyPropagator.INSTANCE, "capture", t);
      keys = null;
    }
    @Nullable Map<String, String> mdc;
    try {
      mdc = MdcPropagator.INSTANCE.capture();
    } catch (Throwable t) {
      warn(MdcPropagator.INSTANCE, "capture", t);
      mdc = null;
    }
    @Nullable Object @Nullable [] values = custom.length == 0 ? null : captureCustom(custom);
    if (keys != null && keys.isEmpty() && mdc == null && values == null) {
      CallContext e = empty;
      if (e == null) {
        e = new CallContext(keys, null, null);
        empty = e;
      }
      return e;
    }
    return new CallContext(keys, mdc, values);
  }

  /** The custom propagators' values, or null when all are null (no array on the common path). */
  private static @Nullable Object @Nullable [] captureCustom(ContextPropagator<Object>[] custom) {
    @Nullable Object[] values = null;
    for (int i = 0; i < custom.length; i++) {
      @Nullable Object value;
      try {
        value = custom[i].capture();
      } catch (Throwable t) {
        warn(custom[i], "capture", t);
        continue;
      }
      if (value != null) {
        if (values == null) {
          values = new Object[custom.length];
        }
        values[i] = value;
      }
    }
    return values;
  }

  /**
   * Installs this context on the current thread. Never throws.
   *
   * @return a scope that puts the thread's previous context back; its {@code close()} never throws
   *     and must be called on this thread
   */
  ContextKey.Scope attach() {
    return attach(ContextPropagators.custom());
  }

  /** Installs this context with these custom propagators, the ones it was captured with. */
  ContextKey.Scope attach(ContextPropagator<Object>[] custom) {
    ContextKey.Scope keyScope;
    try {
      keyScope = ContextKeyPropagator.INSTANCE.restore(keys);
    } catch (Throwable t) {
      warn(ContextKeyPropagator.INSTANCE, "restore", t);
      keyScope = NOTHING;
    }
    ContextKey.Scope builtIn = MdcPropagator.INSTANCE.restoreAround(mdc, keyScope);
    if (custom.length == 0) {
      return builtIn;
    }
    if (custom.length == 1) { // one jar of propagation (the Micrometer bridge): no arrays
      ContextKey.@Nullable Scope scope = null;
      try {
        scope = custom[0].restore(values == null ? null : values[0]);
      } catch (Throwable t) {
        warn(custom[0], "restore", t);
      }
      return scope == null ? builtIn : new OpenedOne(builtIn, custom[0], scope);
    }
    ContextKey.@Nullable Scope[] opened = new ContextKey.Scope[custom.length];
    for (int i = 0; i < custom.length; i++) {
      try {
        opened[i] = custom[i].restore(values == null ? null : values[i]);
      } catch (Throwable t) {
        warn(custom[i], "restore", t);
      }
    }
    return new Opened(builtIn, custom, opened);
  }

  /** Logs a propagator's failure; the call goes on without that propagator. */
  static void warn(ContextPropagator<?> propagator, String method, Throwable failure) {
    log.warn(
        "The context propagator {} threw from {}; the call goes on without it",
        ContextPropagators.describe(propagator),
        method,
        failure);
  }

  /** The scopes of one run with one custom propagator: its own, then the built-in ones. */
  private static final class OpenedOne implements ContextKey.Scope {
    private final ContextKey.Scope builtIn;
    private final ContextPropagator<Object> propagator;
    private final ContextKey.Scope scope;

    OpenedOne(
        ContextKey.Scope builtIn, ContextPropagator<Object> propagator, ContextKey.Scope scope) {
      this.builtIn = builtIn;
      this.propagator = propagator;
      this.scope = scope;
    }

    @Override
    public void close() {
      try {
        scope.close();
      } catch (Throwable t) {
        warn(propagator, "the close() of its scope", t);
      }
      builtIn.close();
    }
  }

  /** The scopes of one run with custom propagators: closed last opened, first closed. */
  private static final class Opened implements ContextKey.Scope {
    private final ContextKey.Scope builtIn;
    private final ContextPropagator<Object>[] propagators;
    private final ContextKey.@Nullable Scope[] scopes;

    Opened(
        ContextKey.Scope builtIn,
        ContextPropagator<Object>[] propagators,
        ContextKey.@Nullable Scope[] scopes) {
      this.builtIn = builtIn;
      this.propagators = propagators;
      this.scopes = scopes;
    }

    @Override
    public void close() {
      for (int i = scopes.length - 1; i >= 0; i--) {
        ContextKey.Scope scope = scopes[i];
        if (scope != null) {
          try {
            scope.close();
          } catch (Throwable t) {
            warn(propagators[i], "the close() of its scope", t);
          }
        }
      }
      builtIn.close();
    }
  }
}

package org.portal4j.core;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;
import org.slf4j.MDC;

/**
 * What a call carries from the thread that created it to the thread that runs it: the {@link
 * ContextKey} values and the SLF4J MDC.
 */
final class CallContext {

  /**
   * Nothing to carry: shared by every call made where no key and no MDC entry is set. Made from the
   * first empty snapshot (a benign race: every empty context is alike).
   */
  private static @Nullable CallContext empty;

  private final ContextKey.Snapshot keys;
  private final @Nullable Map<String, String> mdc;

  private CallContext(ContextKey.Snapshot keys, @Nullable Map<String, String> mdc) {
    this.keys = keys;
    this.mdc = mdc;
  }

  /** Captures the current thread's context. */
  static CallContext capture() {
    ContextKey.Snapshot keys = ContextKey.snapshot();
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    if (keys.isEmpty() && (mdc == null || mdc.isEmpty())) {
      CallContext e = empty;
      if (e == null) {
        e = new CallContext(keys, null);
        empty = e;
      }
      return e;
    }
    return new CallContext(keys, mdc);
  }

  /**
   * Installs this context on the current thread.
   *
   * @return a scope that puts the thread's previous context back
   */
  ContextKey.Scope attach() {
    Map<String, String> previousMdc = MDC.getCopyOfContextMap();
    ContextKey.Scope keyScope = keys.attach();
    if (mdc == null && (previousMdc == null || previousMdc.isEmpty())) {
      return () -> { // no MDC here or there: none left behind by the call either
        keyScope.close();
        MDC.clear();
      };
    }
    setMdc(mdc);
    return () -> {
      keyScope.close();
      setMdc(previousMdc);
    };
  }

  private static void setMdc(@Nullable Map<String, String> values) {
    if (values == null || values.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(values);
    }
  }
}

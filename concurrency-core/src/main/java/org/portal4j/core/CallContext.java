package org.portal4j.core;

import java.util.Map;
import org.portal4j.ContextKey;
import org.slf4j.MDC;

/**
 * What a call carries from the thread that created it to the thread that runs it: the {@link
 * ContextKey} values and the SLF4J MDC.
 */
final class CallContext {

  private final ContextKey.Snapshot keys;
  private final Map<String, String> mdc;

  private CallContext(ContextKey.Snapshot keys, Map<String, String> mdc) {
    this.keys = keys;
    this.mdc = mdc;
  }

  /** Captures the current thread's context. */
  static CallContext capture() {
    return new CallContext(ContextKey.snapshot(), MDC.getCopyOfContextMap());
  }

  /**
   * Installs this context on the current thread.
   *
   * @return a scope that puts the thread's previous context back
   */
  ContextKey.Scope attach() {
    Map<String, String> previousMdc = MDC.getCopyOfContextMap();
    setMdc(mdc);
    ContextKey.Scope keyScope = keys.attach();
    return () -> {
      keyScope.close();
      setMdc(previousMdc);
    };
  }

  private static void setMdc(Map<String, String> values) {
    if (values == null || values.isEmpty()) {
      MDC.clear();
    } else {
      MDC.setContextMap(values);
    }
  }
}

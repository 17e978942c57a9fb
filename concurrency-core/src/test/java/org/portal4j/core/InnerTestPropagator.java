package org.portal4j.core;

/** The last custom propagator registered in core's tests: its scope is opened last. */
public final class InnerTestPropagator extends TestPropagator {

  /** The value it carries (a test sets it directly; null when unset). */
  public static final ThreadLocal<String> VALUE = new ThreadLocal<>();

  public InnerTestPropagator() {
    super(VALUE);
  }
}

package org.portal4j.core;

/** The first custom propagator registered in core's tests: its scope is opened first. */
public final class OuterTestPropagator extends TestPropagator {

  /** The value it carries (a test sets it directly; null when unset). */
  public static final ThreadLocal<String> VALUE = new ThreadLocal<>();

  public OuterTestPropagator() {
    super(VALUE);
  }
}

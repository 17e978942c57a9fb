package org.portal4j.core;

import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;

/**
 * The custom propagator registered between {@link OuterTestPropagator} and {@link
 * InnerTestPropagator}: a well-behaved one until a test tells it to throw from one of its methods.
 */
public final class FlakyTestPropagator extends TestPropagator {

  /** Where it throws. */
  enum Step {
    NOWHERE,
    CAPTURE,
    RESTORE,
    CLOSE
  }

  /** What it throws: a RuntimeException or an Error. */
  enum Kind {
    EXCEPTION,
    ERROR
  }

  static volatile Step failAt = Step.NOWHERE;
  static volatile Kind failWith = Kind.EXCEPTION;

  /** What its scope runs as it closes, before it fails there if told to; null: nothing. */
  static volatile @Nullable Runnable onClose;

  /** What it runs as it restores, before it fails there if told to; null: nothing. */
  static volatile @Nullable Runnable onRestore;

  /** The value it carries (a test sets it directly; null when unset). */
  public static final ThreadLocal<String> VALUE = new ThreadLocal<>();

  public FlakyTestPropagator() {
    super(VALUE);
  }

  static void failAt(Step step, Kind kind) {
    failWith = kind;
    failAt = step;
  }

  static void behave() {
    failAt = Step.NOWHERE;
    onClose = null;
    onRestore = null;
  }

  private static void maybeFail(Step step) {
    if (failAt == step) {
      String message = "flaky propagator fails in " + step;
      if (failWith == Kind.ERROR) {
        throw new AssertionError(message);
      }
      throw new IllegalStateException(message);
    }
  }

  @Override
  public String capture() {
    maybeFail(Step.CAPTURE);
    return super.capture();
  }

  @Override
  public ContextKey.Scope restore(String v) {
    Runnable restoring = onRestore;
    if (restoring != null) {
      restoring.run();
    }
    maybeFail(Step.RESTORE);
    ContextKey.Scope scope = super.restore(v);
    return () -> {
      scope.close(); // puts the previous value back, then fails
      Runnable hook = onClose;
      if (hook != null) {
        hook.run();
      }
      maybeFail(Step.CLOSE);
    };
  }
}

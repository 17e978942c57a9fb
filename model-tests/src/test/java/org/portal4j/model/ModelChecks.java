package org.portal4j.model;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * How hard the model tests look, in one place: {@value #ITERATIONS} scenarios of three threads,
 * each explored in up to {@value #INVOCATIONS} interleavings, times the factor {@code
 * -Dportal4j.model.scale} (default 1; {@code .ci/run} uses the default, a deeper run uses 10).
 */
public final class ModelChecks {

  /** Scenarios (operations and their split over threads) per data-structure test. */
  public static final int ITERATIONS = 15;

  /** Interleavings explored per scenario, and per general (runConcurrentTest) test. */
  public static final int INVOCATIONS = 1_000;

  private ModelChecks() {}

  /** The scale factor. */
  public static int scale() {
    return Math.max(1, Integer.getInteger("portal4j.model.scale", 1));
  }

  /**
   * Options for a data-structure model test: three threads of two operations, one before, one
   * after.
   */
  public static ModelCheckingOptions options() {
    return options(ITERATIONS);
  }

  /** Like {@link #options()}, with fewer scenarios for a model that is slow to explore. */
  public static ModelCheckingOptions options(int iterations) {
    return new ModelCheckingOptions()
        .iterations(iterations * scale())
        .invocationsPerIteration(INVOCATIONS)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1);
  }

  /**
   * A rule checked after an execution: fails it, with what broke, unless {@code rule} holds.
   *
   * @param rule what must hold
   * @param broken what to report if it does not
   * @throws IllegalStateException if the rule does not hold
   */
  public static void check(boolean rule, String broken) {
    if (!rule) {
      throw new IllegalStateException(broken);
    }
  }

  /** Interleavings to explore in a general model test. */
  public static int invocations() {
    return INVOCATIONS * scale();
  }
}

package org.portal4j.benchmarks;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The work every round trip hands over: a function that returns a constant at once, so a benchmark
 * measures the handoff and nothing else. The same function in the shape each library takes.
 */
final class Work {

  private Work() {}

  static final String RESULT = "done";

  static final Callable<String> CALLABLE = () -> RESULT;

  static final Supplier<String> SUPPLIER = () -> RESULT;

  /** The timeout of the timed shapes: far enough that it never fires. */
  static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  /** How long a trial's tear-down waits for a loop or pool to stop before failing the trial. */
  static final Duration STOP_WAIT = Duration.ofSeconds(10);
}

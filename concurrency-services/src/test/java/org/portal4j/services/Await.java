package org.portal4j.services;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a state with a deadline; tests never sleep to "let something happen". */
final class Await {

  static final Duration DEADLINE = Duration.ofSeconds(20);

  private Await() {}

  static void until(String what, BooleanSupplier condition) throws InterruptedException {
    until(what, condition, () -> "");
  }

  static void until(String what, BooleanSupplier condition, Supplier<String> detail)
      throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("Not true within " + DEADLINE + ": " + what + " " + detail.get());
      }
      Thread.sleep(2); // polling a state with a deadline
    }
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The pacing of registry sweeps: a sweep after as many additions as the last sweep left entries (at
 * least the minimum), now and then as kept entries are reused, and one sweeper at a time.
 */
class SweepPacingTest {

  @Test
  void theFirstSweepComesAfterTheMinimumOfAdditions() {
    SweepPacing pacing = new SweepPacing(4);
    AtomicInteger sweeps = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      pacing.added(leaving(0, sweeps));
    }
    assertEquals(0, sweeps.get());
    pacing.added(leaving(0, sweeps));
    assertEquals(1, sweeps.get());
  }

  @Test
  void theNextSweepComesAfterAsManyAdditionsAsTheLastOneLeft() {
    SweepPacing pacing = new SweepPacing(4);
    AtomicInteger sweeps = new AtomicInteger();
    pacing.sweep(() -> 10); // ten entries are alive
    for (int i = 0; i < 9; i++) {
      pacing.added(leaving(0, sweeps));
    }
    assertEquals(0, sweeps.get());
    pacing.added(leaving(2, sweeps)); // leaves two: the minimum applies
    assertEquals(1, sweeps.get());
    for (int i = 0; i < 3; i++) {
      pacing.added(leaving(0, sweeps));
    }
    assertEquals(1, sweeps.get());
    pacing.added(leaving(0, sweeps));
    assertEquals(2, sweeps.get());
  }

  @Test
  void aSweepAskedForDuringAnotherIsSkipped() {
    SweepPacing pacing = new SweepPacing(1);
    AtomicInteger inner = new AtomicInteger();
    pacing.sweep(
        () -> {
          pacing.sweep(inner::incrementAndGet); // another sweeper is at work
          pacing.added(inner::incrementAndGet);
          return 0;
        });
    assertEquals(0, inner.get());
  }

  @Test
  void reusedEntriesSweepNowAndThenThoughNothingIsAdded() {
    SweepPacing pacing = new SweepPacing(1_000_000); // additions alone would not sweep here
    AtomicInteger sweeps = new AtomicInteger();
    int reuses = 100 * SweepPacing.REUSES_PER_SWEEP;
    for (int i = 0; i < reuses; i++) {
      pacing.reused(leaving(0, sweeps));
    }
    // About 100 expected; none at all has a chance of e^-100, and one per reuse would be a bug.
    assertTrue(sweeps.get() > 0, "no sweep in " + reuses + " reuses");
    assertTrue(sweeps.get() < 1_000, sweeps.get() + " sweeps in " + reuses + " reuses");
  }

  @Test
  void aMinimumBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SweepPacing(0));
  }

  /** A sweep that counts itself in {@code sweeps} and leaves {@code left} entries. */
  private static IntSupplier leaving(int left, AtomicInteger sweeps) {
    return () -> {
      sweeps.incrementAndGet();
      return left;
    };
  }
}

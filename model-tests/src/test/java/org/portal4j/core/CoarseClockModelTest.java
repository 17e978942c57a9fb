package org.portal4j.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.portal4j.model.ModelChecks;

/**
 * Model checks {@link CoarseClock}: reads from many threads, time passing, and the ticks that the
 * timer thread runs one at a time (an operation of its own, never run in parallel with itself), in
 * every interleaving explored, with a lease of two ticks so that the clock stops and starts again
 * within a scenario.
 *
 * <p>Sequential specification: a read returns a time no later than the modelled {@code nanoTime} at
 * its return, and after every execution ({@link #rules()}) the clock ticks exactly when one tick is
 * scheduled: never two chains of ticks, never a clock that believes it ticks with none scheduled
 * (it would freeze); and once its ticks run out, a read gives {@code nanoTime} itself.
 */
public class CoarseClockModelTest {

  private final AtomicLong nanoTime = new AtomicLong(100);
  private final ConcurrentLinkedQueue<Runnable> scheduled = new ConcurrentLinkedQueue<>();
  private final CoarseClock clock = new CoarseClock(scheduled::add, nanoTime::get, 2);

  @Operation
  public long read() {
    long reading = clock.read();
    long now = nanoTime.get();
    ModelChecks.check(reading <= now, "read " + reading + ", ahead of nanoTime " + now);
    return 0; // the reading depends on timing the model does not fix; the rule above is checked
  }

  @Operation
  public void timePasses() {
    nanoTime.incrementAndGet();
  }

  @Operation(nonParallelGroup = "timer-thread")
  public void runScheduledTick() {
    Runnable tick = scheduled.poll();
    if (tick != null) {
      tick.run();
    }
  }

  @Validate
  public void rules() {
    ModelChecks.check(scheduled.size() <= 1, scheduled.size() + " ticks scheduled at once");
    ModelChecks.check(
        clock.isTicking() == (scheduled.size() == 1),
        "ticking: " + clock.isTicking() + ", ticks scheduled: " + scheduled.size());
    for (int i = 0; i < 3 && !scheduled.isEmpty(); i++) {
      scheduled.poll().run();
    }
    ModelChecks.check(!clock.isTicking() && scheduled.isEmpty(), "the ticks ran out");
    nanoTime.incrementAndGet();
    ModelChecks.check(clock.read() == nanoTime.get(), "a stopped clock reads nanoTime");
  }

  @Test
  void everyInterleavingKeepsTheRules() {
    ModelChecks.options().check(getClass());
  }
}

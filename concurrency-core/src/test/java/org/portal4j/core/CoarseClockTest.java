package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.Diagnostics;
import org.portal4j.InFlightCall;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;

/**
 * The clock of diagnostics' ages ({@link CoarseClock}), ticked by hand: a fake {@code nanoTime} and
 * a scheduler that only queues the ticks, which the test runs.
 */
class CoarseClockTest {

  private final AtomicLong nanoTime = new AtomicLong(1_000);
  private final ArrayDeque<Runnable> ticks = new ArrayDeque<>();

  private CoarseClock clock(int leaseTicks) {
    return new CoarseClock(ticks::add, nanoTime::get, leaseTicks);
  }

  private void runTick() {
    Runnable tick = ticks.poll();
    assertTrue(tick != null, "a tick is scheduled");
    tick.run();
  }

  /** Runs the scheduled tick with {@code nanoTime} at {@code time}. */
  private void tickAt(long time) {
    nanoTime.set(time);
    runTick();
  }

  @Test
  void aReadWhileStoppedReadsNanoTimeAndStartsTheTicks() {
    CoarseClock clock = clock(10);
    assertFalse(clock.isTicking());

    assertEquals(1_000, clock.read());

    assertTrue(clock.isTicking());
    assertEquals(1, ticks.size(), "one tick scheduled");
  }

  @Test
  void whileTickingAReadGivesTheLastTickNotNanoTime() {
    CoarseClock clock = clock(10);
    clock.read();
    nanoTime.set(2_000);
    runTick();
    nanoTime.set(5_000);

    assertEquals(2_000, clock.read(), "behind nanoTime until the next tick, never ahead");
    assertEquals(1, ticks.size(), "a read while ticking schedules nothing");

    runTick();
    assertEquals(5_000, clock.read());
  }

  @Test
  void untilTheFirstTickAReadGivesNanoTimeNotTheTimeOfTheStart() {
    CoarseClock clock = clock(10);
    assertEquals(1_000, clock.read()); // starts it

    // A starter descheduled for long must not leave its old time to the others: only ticks write.
    nanoTime.set(7_000);
    assertEquals(7_000, clock.read());
    assertEquals(1, ticks.size(), "the start scheduled one tick, and only one");
  }

  @Test
  void itStopsAfterItsLeaseAndTheNextReadStartsItAgain() {
    CoarseClock clock = clock(3);
    clock.read();
    for (int i = 0; i < 3; i++) {
      nanoTime.addAndGet(10);
      runTick();
    }
    assertFalse(clock.isTicking(), "stopped after three ticks");
    assertTrue(ticks.isEmpty(), "no tick left scheduled: an idle JVM sees none");

    nanoTime.set(9_999);
    assertEquals(9_999, clock.read(), "a stopped clock reads nanoTime");
    assertTrue(clock.isTicking());
    assertEquals(1, ticks.size());
    for (int i = 0; i < 2; i++) {
      runTick();
    }
    assertTrue(clock.isTicking(), "the new lease counts its ticks from zero");
    runTick();
    assertFalse(clock.isTicking());
  }

  @Test
  void aSchedulerThatThrowsLeavesItReadingNanoTime() {
    CoarseClock clock =
        new CoarseClock(
            tick -> {
              throw new IllegalStateException("no timer thread");
            },
            nanoTime::get,
            10);

    assertEquals(1_000, clock.read());
    nanoTime.set(2_000);
    assertEquals(2_000, clock.read(), "not frozen at the time of the failed start");
    assertFalse(clock.isTicking());
  }

  @Test
  void aTickThatCannotScheduleTheNextStopsTheClockInsteadOfFreezingIt() {
    AtomicInteger accepted = new AtomicInteger();
    CoarseClock clock =
        new CoarseClock(
            tick -> {
              if (accepted.incrementAndGet() > 1) {
                throw new OutOfMemoryError("unable to schedule");
              }
              ticks.add(tick);
            },
            nanoTime::get,
            10);
    clock.read();
    nanoTime.set(3_000);

    runTick(); // its reschedule throws

    assertFalse(clock.isTicking());
    nanoTime.set(4_000);
    assertEquals(4_000, clock.read());
  }

  @Test
  void aLeaseOfLessThanOneTickIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> clock(0));
    assertThrows(IllegalArgumentException.class, () -> clock(-1));
  }

  @Test
  void theRuntimeClockIsNeverAheadOfNanoTimeAndTicks() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    // Two equal readings in a row come only from a tick: a read without one reads nanoTime, which
    // moves between two reads. A clock that never ticks never gives two.
    long previous = CoarseClock.now();
    long current = CoarseClock.now();
    while (current != previous && System.nanoTime() < deadline) {
      assertTrue(current <= System.nanoTime(), "never ahead of nanoTime");
      LockSupport.parkNanos(100_000);
      previous = CoarseClock.now();
      current = CoarseClock.now();
    }
    assertEquals(previous, current, "the clock ticked: two reads gave the same tick");
    assertTrue(current <= System.nanoTime(), "never ahead of nanoTime");
  }

  @Test
  void aQueuedCallShowsItsAgeInDiagnostics() throws Exception {
    try (LoopPortal loop =
        Portals.newEventLoopThread(PortalOptions.builder().name("coarse-clock-age").build())) {
      CountDownLatch release = new CountDownLatch(1);
      Call<Void> blocker =
          loop.submit(
              Call.of(
                  () -> {
                    release.await();
                    return null;
                  }));
      Call<Integer> queued = loop.submit(Call.of(() -> 1));
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Duration age = Duration.ZERO;
        while (System.nanoTime() < deadline) {
          age = ageOf(queued);
          if (age.compareTo(Duration.ofMillis(30)) >= 0) {
            break;
          }
          LockSupport.parkNanos(1_000_000);
        }
        assertTrue(age.compareTo(Duration.ofMillis(30)) >= 0, "a queued call's age grows: " + age);
      } finally {
        release.countDown();
      }
      blocker.result();
      assertEquals(1, queued.result());
    }
  }

  private static Duration ageOf(Call<?> call) {
    for (InFlightCall c : Diagnostics.inFlight()) {
      if (c.call() == call) {
        return c.age();
      }
    }
    return Duration.ZERO;
  }

  // Far deadlines (FarDeadlines.OnThread) count from the second tick after a call's reading: the
  // read came before the next write of the clock, and the tick after that one read nanoTime later.

  @Test
  void theSecondTickAfterAReadingIsATimeNoEarlierThanTheRead() {
    CoarseClock clock = clock(100);
    clock.read();
    tickAt(2_000);
    long reading = clock.read(); // 2_000; the read may come just before the next tick's write,
    tickAt(3_000); // so after the next tick's nanoTime: 3_000 does not bound it,
    tickAt(4_000); // the tick after it does

    assertEquals(2_000, reading);
    assertEquals(4_000, clock.secondTickAfter(reading));
  }

  @Test
  void untilTheSecondTickAfterAReadingItsBoundIsNotKnown() {
    CoarseClock clock = clock(100);
    clock.read();
    tickAt(2_000);
    long reading = clock.read();
    assertEquals(Long.MAX_VALUE, clock.secondTickAfter(reading), "no tick after it yet");
    tickAt(3_000);
    assertEquals(Long.MAX_VALUE, clock.secondTickAfter(reading), "one tick after it");
  }

  @Test
  void aReadingOlderThanEveryTickRememberedHasNoBound() {
    CoarseClock clock = clock(100);
    long fresh = clock.read(); // read nanoTime itself, the clock not ticking yet
    for (int i = 1; i <= 3; i++) {
      tickAt(1_000 + i * 1_000);
    }
    // A read of nanoTime itself here, but a tick long gone reads the same: neither is bounded.
    assertEquals(Long.MAX_VALUE, clock.secondTickAfter(fresh), "older than every tick remembered");
  }

  @Test
  void aReadingFromATickLongGoneHasNoBound() {
    CoarseClock clock = clock(1_000);
    clock.read();
    tickAt(2_000);
    long reading = clock.read();
    for (int i = 1; i <= CoarseClock.REMEMBERED; i++) {
      nanoTime.addAndGet(1_000);
      runTick();
    }
    assertEquals(Long.MAX_VALUE, clock.secondTickAfter(reading), "forgotten");
  }

  @Test
  void aTimeTwoTicksWroteIsBoundedFromTheLaterOfThem() {
    CoarseClock clock = clock(100);
    clock.read();
    runTick(); // 1_000
    runTick(); // 1_000 again: nanoTime did not move, and a read of it may come from either tick
    tickAt(2_000);
    assertEquals(Long.MAX_VALUE, clock.secondTickAfter(1_000), "one tick after the later");
    tickAt(3_000);
    assertEquals(3_000, clock.secondTickAfter(1_000));
  }

  @Test
  void aReadOfNanoTimeItselfAfterTheTicksStoppedIsItsOwnBound() {
    CoarseClock clock = clock(3);
    clock.read();
    tickAt(2_000);
    tickAt(3_000);
    runTick(); // the lease is over: it stops
    assertFalse(clock.isTicking());
    nanoTime.set(9_000);
    long fresh = clock.read(); // starts it again, reading nanoTime itself: exact

    assertEquals(9_000, fresh);
    assertEquals(9_000, clock.secondTickAfter(fresh), "newer than every tick, so not a tick");
  }

  @Test
  void beforeAnyTickAReadingIsItsOwnBound() {
    CoarseClock clock = clock(3);
    long fresh = clock.read();
    assertEquals(fresh, clock.secondTickAfter(fresh));
  }
}

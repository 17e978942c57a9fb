package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.test.CheckThreadLeaks;

/**
 * How a call starts: the start (one CAS) comes first, then the context is restored, then the
 * running thread names itself, and only a named thread is interrupted. A cancel that takes a call
 * whose runner is still restoring its context waits for the name, so no interrupt reaches the
 * propagators. Driven through the flaky test propagator's restore and close hooks.
 */
@CheckThreadLeaks
@Timeout(30)
class CallStartTest {

  private static final long WAIT_SECONDS = CallTestSupport.WAIT.toSeconds();

  @BeforeEach
  @AfterEach
  void behave() {
    FlakyTestPropagator.behave();
    FlakyTestPropagator.VALUE.remove();
  }

  /** Holds the runner inside its propagators' restore until released. */
  private static final class HeldRestore implements Runnable {
    final CountDownLatch restoring = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger restores = new AtomicInteger();
    final AtomicBoolean sawInterrupt = new AtomicBoolean();

    @Override
    public void run() {
      restores.incrementAndGet();
      restoring.countDown();
      await(release);
      if (Thread.currentThread().isInterrupted()) {
        sawInterrupt.set(true);
      }
    }
  }

  @Test
  void aSecondRunWhileTheFirstRestoresTheContextIsRefusedAndRestoresNothing() throws Exception {
    HeldRestore held = new HeldRestore();
    FlakyTestPropagator.onRestore = held;
    AtomicInteger bodies = new AtomicInteger();
    CapturedCall<Integer> call = CapturedCall.sync("twice", bodies::incrementAndGet);
    Thread first = new Thread(call::run, "first-runner");
    first.start();
    await(held.restoring);

    IllegalStateException second = assertThrows(IllegalStateException.class, call::run);

    assertTrue(second.getMessage().contains("already running"), second.getMessage());
    assertEquals(1, held.restores.get(), "the second run restored the context too");
    assertFalse(Thread.currentThread().isInterrupted());
    held.release.countDown();
    first.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertEquals(1, call.result());
    assertEquals(1, bodies.get());
  }

  @Test
  void aCancelWhileTheRunnerRestoresTheContextWaitsForItAndNoInterruptReachesThePropagators()
      throws Exception {
    HeldRestore held = new HeldRestore();
    FlakyTestPropagator.onRestore = held;
    AtomicBoolean closeSawInterrupt = new AtomicBoolean();
    FlakyTestPropagator.onClose =
        () -> closeSawInterrupt.compareAndSet(false, Thread.currentThread().isInterrupted());
    AtomicBoolean bodyRan = new AtomicBoolean();
    CapturedCall<String> call =
        CapturedCall.sync(
            "restoring",
            () -> {
              bodyRan.set(true);
              return "ran";
            });
    CountDownLatch cancelling = new CountDownLatch(1);
    call.addCancelCallback(cancelling::countDown); // runs once the cancel has taken the call
    AtomicBoolean runnerLeftInterrupted = new AtomicBoolean();
    Thread runner =
        new Thread(
            () -> {
              call.run();
              runnerLeftInterrupted.set(Thread.interrupted());
            },
            "restoring-runner");
    runner.start();
    await(held.restoring);
    AtomicReference<Boolean> cancelled = new AtomicReference<>();
    Thread canceller = new Thread(() -> cancelled.set(call.cancel()), "canceller");
    canceller.start();
    await(cancelling); // the call is cancelled; the canceller waits to interrupt its runner

    held.release.countDown();
    canceller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    runner.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));

    assertEquals(Boolean.TRUE, cancelled.get());
    assertTrue(call.isCancelled());
    assertFalse(bodyRan.get(), "the function ran after the cancel");
    assertFalse(held.sawInterrupt.get(), "an interrupt reached a propagator's restore");
    assertFalse(closeSawInterrupt.get(), "an interrupt reached a propagator's close");
    assertFalse(runnerLeftInterrupted.get(), "run() left its thread interrupted");
  }

  @Test
  void aPropagatorRestoringACallFindsItAsTheCurrentCall() {
    AtomicReference<Optional<Call<?>>> current = new AtomicReference<>();
    FlakyTestPropagator.onRestore = () -> current.set(Call.current());
    CapturedCall<String> call = CapturedCall.sync("current", () -> "x");

    call.run();

    assertSame(call, current.get().orElse(null));
  }

  @Test
  void aCancelFromThePropagatorRestoringTheCallReturnsAtOnceAndTheFunctionNeverRuns() {
    AtomicReference<CapturedCall<String>> self = new AtomicReference<>();
    AtomicReference<Boolean> cancelled = new AtomicReference<>();
    FlakyTestPropagator.onRestore =
        () -> {
          CapturedCall<String> c = self.get();
          if (c != null && cancelled.get() == null) {
            cancelled.set(c.cancel()); // would wait for itself to name itself
          }
        };
    AtomicBoolean bodyRan = new AtomicBoolean();
    CapturedCall<String> call =
        CapturedCall.sync(
            "self-cancelled",
            () -> {
              bodyRan.set(true);
              return "ran";
            });
    self.set(call);

    call.run();

    assertEquals(Boolean.TRUE, cancelled.get());
    assertTrue(call.isCancelled());
    assertFalse(bodyRan.get());
    assertFalse(Thread.interrupted(), "run() left the thread interrupted");
  }

  /**
   * DESIGN: a wait that only the waiting thread could end fails fast. A propagator restoring a call
   * runs on the call's thread before the thread is named as running it: its wait for the call would
   * never end, and must throw instead of hanging.
   */
  @Test
  void aWaitForTheCallFromThePropagatorRestoringItFailsFastAsADeadlock() {
    AtomicReference<CapturedCall<String>> self = new AtomicReference<>();
    AtomicReference<Throwable> waited = new AtomicReference<>();
    FlakyTestPropagator.onRestore =
        () -> {
          CapturedCall<String> c = self.get();
          if (c != null && waited.get() == null) {
            try {
              c.result();
              waited.set(new AssertionError("the wait returned"));
            } catch (Throwable t) {
              waited.set(t);
            }
          }
        };
    CapturedCall<String> call = CapturedCall.sync("waits-for-itself", () -> "x");
    self.set(call);

    call.run();

    assertTrue(
        waited.get() instanceof org.portal4j.DeadlockException,
        "not a deadlock failure: " + waited.get());
    assertEquals("x", call.result());
  }

  @Test
  void aCallCancelledBeforeItStartsRestoresNothingWhenItIsRun() {
    AtomicInteger restores = new AtomicInteger();
    FlakyTestPropagator.onRestore = restores::incrementAndGet;
    CapturedCall<String> call = CapturedCall.sync("cancelled-first", () -> "x");
    call.cancel();

    call.run();

    assertEquals(0, restores.get());
    assertThrows(CallCancelledException.class, call::result);
  }

  @Test
  void aCancelWithACauseWhoseToStringThrowsStillEndsTheCall() {
    CapturedCall<String> call = CapturedCall.sync("hostile-cause", () -> "x");
    RuntimeException hostile =
        new RuntimeException() {
          @Override
          public String toString() {
            throw new IllegalStateException("no string for you");
          }
        };

    assertTrue(call.cancel(hostile));

    assertTrue(call.isDone() && call.isCancelled());
    CallCancelledException e = assertThrows(CallCancelledException.class, call::result);
    assertSame(hostile, e.getCause());
  }

  @Test
  void aShieldInAPropagatorsCloseRunsItsFunctionAndReturns() {
    AtomicReference<String> shielded = new AtomicReference<>();
    FlakyTestPropagator.onClose = () -> shielded.set(Call.shield(() -> "shielded"));
    CapturedCall<String> call = CapturedCall.sync("closing", () -> "x");

    call.run();

    assertEquals("shielded", shielded.get());
    assertEquals("x", call.result());
    assertNull(FlakyTestPropagator.VALUE.get());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out waiting");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}

package org.portal4j.core;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.await;
import static org.portal4j.core.CallTestSupport.millisSince;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.test.CheckThreadLeaks;

/** {@code Call.shield}: runs here, holds a cancel's interrupt back until it returns. */
@CheckThreadLeaks
@Timeout(30)
class CallShieldTest {

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** What a shielded function and the code after it saw. */
  private static final class Observations {
    final CountDownLatch inShield = new CountDownLatch(1);
    final AtomicBoolean shieldedWaitCompleted = new AtomicBoolean();
    final AtomicBoolean shieldedWaitInterrupted = new AtomicBoolean();
    final AtomicBoolean flagInsideShield = new AtomicBoolean(true);
    final AtomicBoolean flagRightAfterShield = new AtomicBoolean();

    /** Whether the body was interrupted after the shield, right away or a little later. */
    final AtomicBoolean interruptedAfterShield = new AtomicBoolean();
  }

  /**
   * A call whose body shields a function that waits (interruptibly) for {@code release}, then notes
   * whether an interrupt arrived as soon as the shield returned.
   */
  private static Call<String> shieldedWaitFor(CountDownLatch release, Observations seen) {
    return Call.of(
        () -> {
          String value =
              Call.shield(
                  () -> {
                    seen.inShield.countDown();
                    try {
                      seen.shieldedWaitCompleted.set(release.await(WAIT.toMillis(), MILLISECONDS));
                    } catch (InterruptedException e) {
                      seen.shieldedWaitInterrupted.set(true);
                    }
                    seen.flagInsideShield.set(Thread.currentThread().isInterrupted());
                    return "shielded";
                  });
          boolean flag = Thread.currentThread().isInterrupted();
          seen.flagRightAfterShield.set(flag);
          if (!flag) {
            try {
              new CountDownLatch(1).await(WAIT.toMillis(), MILLISECONDS);
            } catch (InterruptedException e) {
              flag = true;
            }
          }
          seen.interruptedAfterShield.set(flag);
          return value;
        });
  }

  @Test
  void shieldRunsTheFunctionOnTheCurrentThread() throws Exception {
    AtomicReference<Thread> bodyThread = new AtomicReference<>();
    Call<Thread> call =
        Call.of(
            () -> {
              bodyThread.set(Thread.currentThread());
              return Call.shield(Thread::currentThread);
            });

    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    assertSame(runner.thread, call.result(WAIT));
    assertSame(runner.thread, bodyThread.get());
    runner.join();
  }

  @Test
  void shieldReturnsWhatTheFunctionReturnedAndLeavesAnUncancelledCallUninterrupted() {
    AtomicBoolean flagAfterShield = new AtomicBoolean(true);
    Call<String> call =
        Call.of(
            () -> {
              String value = Call.shield(() -> "shielded");
              flagAfterShield.set(Thread.currentThread().isInterrupted());
              return value;
            });

    call.run();

    assertEquals("shielded", call.result());
    assertFalse(flagAfterShield.get());
  }

  @Test
  void cancelDuringShieldMarksTheCallCancelledAtOnceButDoesNotInterruptTheFunction()
      throws Exception {
    CountDownLatch release = support.latch();
    Observations seen = new Observations();
    Call<String> call = shieldedWaitFor(release, seen);
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(seen.inShield, "shielded function running");

    assertTrue(call.cancel());

    // The shielded function is still waiting for release, yet the call is already over.
    assertTrue(call.isCancelled());
    assertTrue(call.isDone());
    assertThrows(CallCancelledException.class, call::result);
    assertTrue(runner.thread.isAlive());

    release.countDown();
    runner.join();
    assertTrue(seen.shieldedWaitCompleted.get(), "the shielded wait ran to its end");
    assertFalse(seen.shieldedWaitInterrupted.get());
    assertFalse(seen.flagInsideShield.get());
    assertTrue(call.isCancelled(), "what the body returned after the shield is discarded");
  }

  @Test
  void interruptHeldBackByShieldIsDeliveredAsSoonAsTheFunctionReturns() throws Exception {
    CountDownLatch release = support.latch();
    Observations seen = new Observations();
    Call<String> call = shieldedWaitFor(release, seen);
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(seen.inShield, "shielded function running");

    assertTrue(call.cancel());
    release.countDown();
    runner.join();

    assertTrue(seen.flagRightAfterShield.get(), "interrupted right after the shield returned");
    assertFalse(runner.interruptedAfterRun(), "and the flag did not outlive the call");
  }

  @Test
  void timeoutDuringShieldEndsTheCallAtTheDeadlineButDoesNotInterruptTheFunction()
      throws Exception {
    CountDownLatch release = support.latch();
    Observations seen = new Observations();
    Call<String> call = shieldedWaitFor(release, seen).setTimeout(Duration.ofMillis(200));
    long start = System.nanoTime();
    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long endedMs = millisSince(start);

    assertTrue(endedMs < 5_000, "ended " + endedMs + " ms after the start, at the deadline");
    assertTrue(call.isTimedOut());
    assertTrue(runner.thread.isAlive(), "the shielded function is still running");
    release.countDown();
    runner.join();
    assertTrue(seen.shieldedWaitCompleted.get());
    assertFalse(seen.shieldedWaitInterrupted.get());
    assertFalse(seen.flagInsideShield.get());
    assertTrue(seen.interruptedAfterShield.get(), "the held-back interrupt was delivered");
    assertFalse(runner.interruptedAfterRun());
  }

  /**
   * Once the call is marked cancelled, a shielded function returning owes the body its interrupt at
   * once, even if the cancelling thread has not got to interrupting yet ({@code cancel()}'s Javadoc
   * marks the call before it interrupts). A dependent of the call's future runs on the cancelling
   * thread after the marking, possibly before the interrupt step; the shielded function is made to
   * return there, while the canceller waits.
   */
  @Test
  void interruptIsDeliveredOnReturnFromShieldEvenIfTheCancellerHasNotInterruptedYet()
      throws Exception {
    CountDownLatch inShield = support.latch();
    CountDownLatch release = support.latch();
    CountDownLatch afterShield = support.latch();
    AtomicBoolean flagRightAfterShield = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              Call.shield(
                  () -> {
                    inShield.countDown();
                    return release.await(WAIT.toMillis(), MILLISECONDS);
                  });
              flagRightAfterShield.set(Thread.currentThread().isInterrupted());
              afterShield.countDown();
              return "x";
            });
    AtomicBoolean cancelledInGap = new AtomicBoolean();
    call.toCompletableFuture()
        .whenComplete(
            (v, e) -> {
              cancelledInGap.set(call.isCancelled());
              release.countDown(); // the shielded function returns now
              CallTestSupport.awaitIgnoringInterrupts(afterShield);
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(inShield, "shielded function running");

    assertTrue(call.cancel());
    runner.join();

    assertTrue(cancelledInGap.get(), "the call was marked cancelled before the function returned");
    assertTrue(flagRightAfterShield.get(), "interrupted as soon as the shield returned");
    assertFalse(runner.interruptedAfterRun());
  }

  @Test
  void nestedShieldHoldsTheInterruptBackUntilTheOutermostShieldReturns() throws Exception {
    CountDownLatch inInner = support.latch();
    CountDownLatch release = support.latch();
    AtomicBoolean flagAfterInner = new AtomicBoolean(true);
    AtomicBoolean flagAfterOuter = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              Call.shield(
                  () -> {
                    Call.shield(
                        () -> {
                          inInner.countDown();
                          return release.await(WAIT.toMillis(), MILLISECONDS);
                        });
                    flagAfterInner.set(Thread.currentThread().isInterrupted());
                    return null;
                  });
              flagAfterOuter.set(Thread.currentThread().isInterrupted());
              return "x";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(inInner, "inner shield running");

    assertTrue(call.cancel());
    release.countDown();
    runner.join();

    assertFalse(flagAfterInner.get(), "still inside the outer shield");
    assertTrue(flagAfterOuter.get());
  }

  // ------------------------------------------------------------------ exceptions

  @Test
  void checkedExceptionFromTheShieldedFunctionComesOutWrappedInCompletionException() {
    IOException failure = new IOException("boom");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Call<String> call =
        Call.of(
            () -> {
              try {
                return Call.shield(
                    () -> {
                      throw failure;
                    });
              } catch (Throwable t) {
                thrown.set(t);
                return "caught";
              }
            });

    call.run();

    assertTrue(thrown.get() instanceof CompletionException, String.valueOf(thrown.get()));
    assertSame(failure, thrown.get().getCause());
  }

  @Test
  void uncheckedExceptionAndErrorFromTheShieldedFunctionComeOutAsTheyAre() {
    IllegalStateException runtime = new IllegalStateException("boom");
    CallResultTest.DeliberateError error = new CallResultTest.DeliberateError("boom");
    AtomicReference<Throwable> thrownRuntime = new AtomicReference<>();
    AtomicReference<Throwable> thrownError = new AtomicReference<>();
    Call<String> call =
        Call.of(
            () -> {
              try {
                Call.shield(
                    () -> {
                      throw runtime;
                    });
              } catch (Throwable t) {
                thrownRuntime.set(t);
              }
              try {
                Call.shield(
                    () -> {
                      throw error;
                    });
              } catch (Throwable t) {
                thrownError.set(t);
              }
              return "x";
            });

    call.run();

    assertSame(runtime, thrownRuntime.get());
    assertSame(error, thrownError.get());
  }

  @Test
  void shieldedFunctionThatThrowsStillHasTheCancelDeliveredAfterwards() throws Exception {
    CountDownLatch inShield = support.latch();
    CountDownLatch release = support.latch();
    AtomicBoolean flagAfterShield = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              try {
                Call.shield(
                    () -> {
                      inShield.countDown();
                      release.await(WAIT.toMillis(), MILLISECONDS);
                      throw new IllegalStateException("shielded failure");
                    });
              } catch (IllegalStateException expected) {
                flagAfterShield.set(Thread.currentThread().isInterrupted());
              }
              return "x";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(inShield, "shielded function running");

    assertTrue(call.cancel());
    release.countDown();
    runner.join();

    assertTrue(flagAfterShield.get());
    assertFalse(runner.interruptedAfterRun());
  }

  // ------------------------------------------------------------------ outside a call

  @Test
  void outsideACallShieldJustRunsTheFunctionHere() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Optional<Call<?>>> currentInside = new AtomicReference<>();

    String value =
        Call.shield(
            () -> {
              ranOn.set(Thread.currentThread());
              currentInside.set(Call.current());
              return "x";
            });

    assertEquals("x", value);
    assertSame(Thread.currentThread(), ranOn.get());
    assertEquals(Optional.empty(), currentInside.get());
  }

  @Test
  void outsideACallCheckedExceptionsComeOutWrappedInCompletionException() {
    IOException failure = new IOException("boom");

    CompletionException thrown =
        assertThrows(
            CompletionException.class,
            () ->
                Call.shield(
                    () -> {
                      throw failure;
                    }));

    assertSame(failure, thrown.getCause());
  }

  @Test
  void outsideACallUncheckedExceptionsComeOutAsTheyAre() {
    IllegalStateException failure = new IllegalStateException("boom");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Call.shield(
                    () -> {
                      throw failure;
                    }));

    assertSame(failure, thrown);
  }
}

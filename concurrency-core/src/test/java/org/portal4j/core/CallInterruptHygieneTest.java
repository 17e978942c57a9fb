package org.portal4j.core;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallTimeoutException;
import org.portal4j.test.CheckThreadLeaks;

/**
 * Interrupt hygiene: cancels and timeouts interrupt only the body they are meant for, never leave
 * an interrupt flag behind, and an interrupted wait in {@code result()} leaves the call alone.
 */
@CheckThreadLeaks
@Timeout(30)
class CallInterruptHygieneTest {

  private static final Duration SHORT = Duration.ofMillis(200);

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    Thread.interrupted(); // never hand a set flag to the next test, even after a failure
    support.cleanUp();
  }

  private static Call<String> blockingUntilInterrupted(CountDownLatch started) {
    return Call.of(
        () -> {
          started.countDown();
          new CountDownLatch(1).await();
          return "not interrupted";
        });
  }

  // ------------------------------------------------------------------ the running thread

  @Test
  void cancelledCallDoesNotLeaveTheThreadThatRanItInterrupted() throws Exception {
    CountDownLatch started = support.latch();
    Call<String> call = blockingUntilInterrupted(started);
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertTrue(call.cancel());

    assertFalse(runner.interruptedAfterRun());
    runner.join();
  }

  @Test
  void timedOutCallDoesNotLeaveTheThreadThatRanItInterrupted() throws Exception {
    Call<String> call = blockingUntilInterrupted(support.latch()).setTimeout(SHORT);

    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    assertFalse(runner.interruptedAfterRun());
    assertTrue(call.isTimedOut());
    runner.join();
  }

  @Test
  void bodyThatSetsItsInterruptFlagAgainAfterACancelDoesNotLeakIt() throws Exception {
    CountDownLatch started = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the well-mannered way to pass it on
              }
              return "restored the flag";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertTrue(call.cancel());

    assertFalse(runner.interruptedAfterRun());
    runner.join();
  }

  @Test
  void bodyThatIgnoresItsInterruptDoesNotLeaveTheFlagSetWhenItReturns() throws Exception {
    CountDownLatch started = support.latch();
    CountDownLatch release = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              CallTestSupport.awaitIgnoringInterrupts(release);
              Thread.currentThread().interrupt(); // as if it never looked at it
              return "late";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertTrue(call.cancel());
    release.countDown();

    assertFalse(runner.interruptedAfterRun());
    runner.join();
  }

  @Test
  void callThatCancelsItselfDoesNotLeaveItsThreadInterrupted() throws Exception {
    AtomicBoolean interruptedInside = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              Call.current().orElseThrow().cancel();
              interruptedInside.set(Thread.currentThread().isInterrupted());
              return "x";
            });

    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    assertFalse(runner.interruptedAfterRun());
    assertTrue(interruptedInside.get(), "the body itself was interrupted by its cancel");
    assertTrue(call.isCancelled());
    runner.join();
  }

  /** Cancels and timeouts racing with the start and end of the body, many times over. */
  @Test
  void cancelOrTimeoutRacingWithTheBodyNeverLeavesTheRunningThreadInterrupted() throws Exception {
    int rounds = 600;
    Call<String> stop = Call.of(() -> "stop");
    BlockingQueue<Call<?>> toRun = new LinkedBlockingQueue<>();
    BlockingQueue<Boolean> flagAfterRun = new LinkedBlockingQueue<>();
    Thread runner =
        support.startThread(
            "race-runner",
            () -> {
              try {
                for (Call<?> call = toRun.take(); call != stop; call = toRun.take()) {
                  call.run();
                  flagAfterRun.add(Thread.interrupted()); // reads and clears: rounds stay apart
                }
              } catch (InterruptedException e) {
                flagAfterRun.add(true);
              }
            });
    List<Integer> leaked = new ArrayList<>();

    for (int round = 0; round < rounds; round++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      long bodyNanos = random.nextLong(100_000);
      Call<String> call =
          Call.of(
              () -> {
                long end = System.nanoTime() + bodyNanos; // busy for a while
                while (System.nanoTime() - end < 0) {
                  Thread.onSpinWait();
                }
                return "x";
              });
      boolean byTimeout = round % 2 == 0;
      if (byTimeout) {
        call.setTimeout(Duration.ofNanos(random.nextLong(1, 100_000)));
      }
      toRun.put(call);
      if (!byTimeout) {
        long cancelAt = System.nanoTime() + random.nextLong(150_000);
        while (System.nanoTime() - cancelAt < 0) {
          Thread.onSpinWait();
        }
        call.cancel();
      }
      Boolean flag = flagAfterRun.poll(WAIT.toMillis(), MILLISECONDS);
      assertNotNull(flag, "round " + round + " did not finish");
      if (flag) {
        leaked.add(round);
      }
    }
    toRun.put(stop);
    CallTestSupport.join(runner);

    assertEquals(List.of(), leaked, "rounds that left the running thread interrupted");
  }

  @Test
  void finishedCallsTimerNeverInterruptsLaterWorkOnThatThread() throws Exception {
    CompletableFuture<Boolean> laterWorkInterrupted = new CompletableFuture<>();
    List<Boolean> flagsAfterEachRun = new ArrayList<>();
    Consumer<Call<?>> runAndRecord =
        call -> {
          call.run();
          flagsAfterEachRun.add(Thread.currentThread().isInterrupted());
        };
    Thread thread =
        support.startThread(
            "later-work",
            () -> {
              runAndRecord.accept(Call.of(() -> "fast").setTimeout(SHORT));
              runAndRecord.accept(
                  Call.of(
                          () -> {
                            throw new IllegalStateException("fast failure");
                          })
                      .setTimeout(SHORT));
              runAndRecord.accept(
                  Call.ofAsync(() -> CompletableFuture.completedFuture("x")).setTimeout(SHORT));
              runAndRecord.accept(
                  Call.of(
                          () -> {
                            Call.current().orElseThrow().cancel();
                            return "cancelled itself";
                          })
                      .setTimeout(SHORT));
              try {
                // Later work that an interrupt would end: a wait well past every call's deadline.
                // The wait itself is what is being tested.
                new CountDownLatch(1).await(SHORT.toMillis() * 3, MILLISECONDS);
                laterWorkInterrupted.complete(Thread.currentThread().isInterrupted());
              } catch (InterruptedException e) {
                laterWorkInterrupted.complete(true);
              }
            });

    assertFalse(laterWorkInterrupted.get(WAIT.toMillis(), MILLISECONDS));
    CallTestSupport.join(thread);
    assertEquals(List.of(false, false, false, false), flagsAfterEachRun);
  }

  // ------------------------------------------------------------------ a thread waiting in result()

  @Test
  void interruptingAThreadBlockedInResultEndsTheWaitWithCompletionExceptionAndLeavesTheCallAlone()
      throws Exception {
    CountDownLatch release = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              release.await();
              return "finished";
            });
    support.runOnNewThread(call);
    // Running before the interrupt: "left alone" below means still running, not not yet started.
    CallTestSupport.awaitCondition(call::isRunning, "the call running");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfterWait = new AtomicBoolean();
    Thread waiter =
        support.startThread(
            "waiter",
            () -> {
              try {
                call.result();
              } catch (Throwable t) {
                thrown.set(t);
              }
              flagAfterWait.set(Thread.currentThread().isInterrupted());
            });
    CallTestSupport.awaitCondition(
        () -> waiter.getState() == Thread.State.WAITING, "waiter blocked in result()");

    waiter.interrupt();
    CallTestSupport.join(waiter);

    assertInstanceOf(CompletionException.class, thrown.get());
    assertInstanceOf(InterruptedException.class, thrown.get().getCause());
    assertTrue(flagAfterWait.get(), "the interrupt flag is still set");
    assertTrue(call.isRunning(), "the call was left alone");
    assertFalse(call.isCancelled());
    release.countDown();
    assertEquals("finished", call.result(WAIT));
  }

  @Test
  void interruptingAThreadBlockedInResultWithAWaitBehavesLikeResult() throws Exception {
    CountDownLatch release = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              release.await();
              return "finished";
            });
    support.runOnNewThread(call);
    // Running before the interrupt: "left alone" below means still running, not not yet started.
    CallTestSupport.awaitCondition(call::isRunning, "the call running");
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfterWait = new AtomicBoolean();
    Thread waiter =
        support.startThread(
            "waiter",
            () -> {
              try {
                call.result(WAIT);
              } catch (Throwable t) {
                thrown.set(t);
              }
              flagAfterWait.set(Thread.currentThread().isInterrupted());
            });
    CallTestSupport.awaitCondition(
        () -> waiter.getState() == Thread.State.TIMED_WAITING, "waiter blocked in result(wait)");

    waiter.interrupt();
    CallTestSupport.join(waiter);

    assertInstanceOf(CompletionException.class, thrown.get());
    assertInstanceOf(InterruptedException.class, thrown.get().getCause());
    assertTrue(flagAfterWait.get());
    assertTrue(call.isRunning());
    release.countDown();
    assertEquals("finished", call.result(WAIT));
  }

  @Test
  void interruptFlagAlreadySetWhenResultStartsWaitingCountsAsAnInterrupt() {
    Call<String> call = support.track(Call.of(() -> "never run"));

    Thread.currentThread().interrupt();
    try {
      CompletionException thrown = assertThrows(CompletionException.class, call::result);

      assertInstanceOf(InterruptedException.class, thrown.getCause());
      assertTrue(Thread.currentThread().isInterrupted(), "the flag is still set");
    } finally {
      Thread.interrupted();
    }
    assertFalse(call.isDone(), "the call was left alone");
  }

  @Test
  void interruptFlagAlreadySetWhenResultWithAWaitStartsCountsAsAnInterrupt() {
    Call<String> call = support.track(Call.of(() -> "never run"));

    Thread.currentThread().interrupt();
    try {
      CompletionException thrown = assertThrows(CompletionException.class, () -> call.result(WAIT));

      assertInstanceOf(InterruptedException.class, thrown.getCause());
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
    assertFalse(call.isDone());
  }

  @Test
  void resultOfADoneCallDoesNotWaitSoASetInterruptFlagDoesNotMatter() {
    Call<String> call = Call.of(() -> "x");
    call.run();

    Thread.currentThread().interrupt();
    try {
      assertEquals("x", call.result());
      assertTrue(Thread.currentThread().isInterrupted(), "the flag is left as it was");
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void timedOutCallStillThrowsCallTimeoutExceptionToAWaiterThatWasNotInterrupted()
      throws Exception {
    Call<String> call = blockingUntilInterrupted(support.latch()).setTimeout(SHORT);
    CallTestSupport.RunThread runner = support.runOnNewThread(call);

    assertThrows(CallTimeoutException.class, call::result);

    assertFalse(Thread.currentThread().isInterrupted(), "the timeout interrupted only the body");
    runner.join();
  }
}

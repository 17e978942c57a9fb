package org.portal4j.examples.customportal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.DeadlockException;
import org.portal4j.FromSync;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class UserThreadPortalTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /** Runs {@code fn} on a new thread named "asker"; the future completes with its outcome. */
  private static <T> CompletableFuture<T> onAnotherThread(Callable<T> fn, List<Thread> started) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread asker =
        new Thread(
            () -> {
              try {
                outcome.complete(fn.call());
              } catch (Throwable t) {
                outcome.completeExceptionally(t);
              }
            },
            "asker");
    started.add(asker);
    asker.start();
    return outcome;
  }

  @Test
  void callInRunsTheCallOnTheThreadThatPumpsThePortal() throws Exception {
    UserThreadPortal portal = UserThreadPortal.forCurrentThread("test-owner");
    List<Thread> threads = new ArrayList<>();
    CompletableFuture<String> answer =
        onAnotherThread(
            () -> FromSync.callIn(portal, () -> Thread.currentThread().getName(), DEADLINE),
            threads);

    assertTrue(portal.runNext(DEADLINE), "the asker's call arrived and ran");

    assertEquals(Thread.currentThread().getName(), answer.get(30, TimeUnit.SECONDS));
    threads.get(0).join(DEADLINE.toMillis());
  }

  @Test
  void waitForCallInRunsTheDoneCallbacksOnTheWaitingThread() throws Exception {
    UserThreadPortal portal = UserThreadPortal.forCurrentThread("test-owner");
    AtomicReference<String> callbackThread = new AtomicReference<>();
    Call<Void> doneCallback =
        Call.of(
            () -> {
              callbackThread.set(Thread.currentThread().getName());
              return null;
            });
    List<Thread> threads = new ArrayList<>();
    CompletableFuture<Integer> answer =
        onAnotherThread(
            () ->
                FromSync.waitForCallIn(portal, Call.of(() -> 42), DEADLINE, List.of(doneCallback)),
            threads);

    assertTrue(portal.runNext(DEADLINE));

    assertEquals(42, answer.get(30, TimeUnit.SECONDS));
    assertEquals("asker", callbackThread.get());
    threads.get(0).join(DEADLINE.toMillis());
  }

  @Test
  void waitingOnTheOwnerThreadFailsFastInsteadOfDeadlocking() {
    UserThreadPortal portal = UserThreadPortal.forCurrentThread("test-owner");
    Call<String> call = Call.of(() -> "only the owner could run this");

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> FromSync.callIn(portal, call, DEADLINE));

    assertInstanceOf(DeadlockException.class, e);
    assertTrue(e.getMessage().contains("Deadlock"), e.getMessage());
    assertEquals(0, portal.runPending(), "the refused call was never queued");
    assertFalse(call.isDone(), "the refused call is left alone: the caller decides");
    assertTrue(call.runner().isEmpty() && call.timeout().isEmpty(), "and untouched");
  }

  @Test
  void runPendingRunsTheQueuedCallsInSubmissionOrder() {
    UserThreadPortal portal = UserThreadPortal.forCurrentThread("test-owner");
    List<Integer> ran = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      int index = i;
      portal.submit(Call.of(() -> ran.add(index)));
    }

    assertEquals(3, portal.runPending());
    assertEquals(List.of(1, 2, 3), ran);
    assertEquals(0, portal.runPending());
  }

  @Test
  void onlyTheOwnerMayRunTheCalls() {
    Thread someoneElse = new Thread(() -> {}, "someone-else"); // never started
    UserThreadPortal portal = new UserThreadPortal("elsewhere", someoneElse);

    assertThrows(IllegalStateException.class, portal::runPending);
    assertThrows(IllegalStateException.class, () -> portal.runNext(Duration.ZERO));
    assertTrue(portal.runsOnlyOn(someoneElse));
    assertFalse(portal.runsOnlyOn(Thread.currentThread()));
  }

  @Test
  void aCallThatAlreadyHasARunnerIsRefusedAndNotQueued() {
    UserThreadPortal first = UserThreadPortal.forCurrentThread("first");
    UserThreadPortal second = UserThreadPortal.forCurrentThread("second");
    Call<String> call = first.submit(Call.of(() -> "mine"));

    assertThrows(IllegalStateException.class, () -> second.submit(call));

    assertEquals(0, second.runPending());
    assertEquals(1, first.runPending());
    assertEquals("mine", call.result());
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Calls", cancel(): after {@code cancel()} returns, true or false, {@code isDone()} is
 * true: a {@code cancel()} that loses to another thread's cancellation waits until that
 * cancellation has finished (its cancel callbacks included) before returning false; only a {@code
 * cancel()} made from inside the call's own cancel callback returns at once.
 */
@CheckThreadLeaks
@Timeout(60)
class ConcurrentCancelTest {

  private static final Set<Thread.State> BLOCKED_STATES =
      EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING, Thread.State.BLOCKED);

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** A call whose body waits until it is interrupted (or the test ends). */
  private Call<String> runningCall() throws InterruptedException {
    CountDownLatch bodyStarted = support.latch();
    CountDownLatch never = support.latch();
    Call<String> call =
        Call.of(
            "cancelled-twice",
            () -> {
              bodyStarted.countDown();
              never.await();
              return "not cancelled";
            });
    support.runOnNewThread(call);
    CallTestSupport.await(bodyStarted, "the body runs");
    return call;
  }

  @Test
  void aCancelThatLosesWaitsForTheWinningCancellationAndThenSeesTheCallDone() throws Exception {
    Call<String> call = runningCall();
    CountDownLatch inCallback = support.latch();
    CountDownLatch releaseCallback = support.latch();
    call.addCancelCallback(
        () -> {
          inCallback.countDown();
          CallTestSupport.awaitIgnoringInterrupts(releaseCallback);
        });
    CompletableFuture<Boolean> first = new CompletableFuture<>();
    support.startThread("first-canceller", () -> first.complete(call.cancel()));
    CallTestSupport.await(inCallback, "the first cancel runs the cancel callback");

    AtomicBoolean secondCalled = new AtomicBoolean();
    AtomicBoolean secondReturned = new AtomicBoolean();
    CompletableFuture<Boolean> doneWhenSecondReturned = new CompletableFuture<>();
    CompletableFuture<Boolean> second = new CompletableFuture<>();
    Thread secondThread =
        support.startThread(
            "second-canceller",
            () -> {
              secondCalled.set(true);
              boolean result = call.cancel();
              doneWhenSecondReturned.complete(call.isDone()); // read right after it returned
              secondReturned.set(true);
              second.complete(result);
            });
    // Deterministic: either the second cancel returned (wrong: the callback is still blocked) or
    // its thread is seen blocked inside it.
    CallTestSupport.awaitCondition(
        () ->
            secondReturned.get()
                || (secondCalled.get() && BLOCKED_STATES.contains(secondThread.getState())),
        "the second cancel returns or blocks");
    assertFalse(
        secondReturned.get(),
        "the losing cancel() returned while the winner's cancel callback was still running;"
            + " isDone() was then "
            + doneWhenSecondReturned.getNow(null));

    releaseCallback.countDown();

    assertFalse(second.get(CallTestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(doneWhenSecondReturned.get(), "isDone() right after the losing cancel() returned");
    assertTrue(first.get(CallTestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(call.isCancelled());
  }

  @Test
  void cancelFromInsideTheCallsOwnCancelCallbackReturnsFalseAtOnce() throws Exception {
    Call<String> call = runningCall();
    CompletableFuture<Boolean> nested = new CompletableFuture<>();
    call.addCancelCallback(() -> nested.complete(call.cancel()));

    CompletableFuture<Boolean> outer = new CompletableFuture<>();
    support.startThread("canceller", () -> outer.complete(call.cancel()));

    assertEquals(
        false,
        nested.get(CallTestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS),
        "cancel() inside the cancel callback");
    assertTrue(outer.get(CallTestSupport.WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(call.isCancelled());
  }
}

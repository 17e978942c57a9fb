package org.portal4j.test.tck;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits of the conformance suite, each with a deadline: a wait for something that should happen
 * promptly fails the test after {@link #WAIT} instead of hanging it. Nothing here sleeps to let
 * something happen; {@link #until} polls a state.
 */
final class Await {

  /** How long anything that should happen promptly may take on a slow, shared machine. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private Await() {}

  /** Waits until {@code latch} opens. */
  static void latch(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "not reached in time: " + what);
  }

  /** Polls {@code condition} until it holds. */
  static void until(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("not reached in time: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Waits until {@code thread} blocks (parked, waiting, or in a timed wait). */
  static void blocked(Thread thread) {
    until(
        () -> {
          Thread.State state = thread.getState();
          return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
        },
        thread.getName() + " blocks");
  }

  /** Waits for {@code future} and returns its value; its failure comes out as the cause. */
  static <T> T get(Future<T> future) throws Exception {
    try {
      return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not done within " + WAIT + ": " + future, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw e;
    }
  }

  /** Like {@link #get(Future)}, for a stage. */
  static <T> T stage(CompletionStage<T> stage) throws Exception {
    return get(stage.toCompletableFuture());
  }

  /** Waits until {@code thread} has ended. */
  static void join(Thread thread) throws InterruptedException {
    thread.join(WAIT.toMillis());
    assertFalse(thread.isAlive(), thread.getName() + " did not end");
  }
}

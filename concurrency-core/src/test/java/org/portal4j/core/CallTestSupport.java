package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.portal4j.Call;

/**
 * Shared plumbing of the {@code Call*Test} classes: latches, calls and threads that a test
 * registers here are released, cancelled and joined after it, so a failing test never strands a
 * thread.
 */
final class CallTestSupport {

  /** How long any wait for something that should happen promptly may take before we fail. */
  static final Duration WAIT = Duration.ofSeconds(10);

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
  private final List<Call<?>> calls = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** A one-shot latch, also released after the test. */
  CountDownLatch latch() {
    CountDownLatch latch = new CountDownLatch(1);
    latches.add(latch);
    return latch;
  }

  /** Remembers a call so that it is cancelled after the test if it is still going. */
  <T> Call<T> track(Call<T> call) {
    calls.add(call);
    return call;
  }

  /** Starts a plain thread that runs {@code call.run()} and records what it saw afterwards. */
  RunThread runOnNewThread(Call<?> call) {
    track(call);
    RunThread runner = new RunThread(call, "call-runner-" + THREADS.incrementAndGet());
    threads.add(runner.thread);
    runner.thread.start();
    return runner;
  }

  /** Starts a plain thread running {@code body}; it is joined after the test. */
  Thread startThread(String name, Runnable body) {
    Thread thread = new Thread(body, name + "-" + THREADS.incrementAndGet());
    threads.add(thread);
    thread.start();
    return thread;
  }

  /** Releases, cancels and joins whatever the test left behind. */
  void cleanUp() throws InterruptedException {
    latches.forEach(CountDownLatch::countDown);
    calls.forEach(Call::cancel);
    for (Thread thread : threads) {
      thread.join(WAIT.toMillis());
      assertFalse(thread.isAlive(), thread.getName() + " did not end");
    }
  }

  // ------------------------------------------------------------------ waiting

  static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "timed out waiting: " + what);
  }

  /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
  static void awaitCondition(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("timed out waiting: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  static void join(Thread thread) throws InterruptedException {
    thread.join(WAIT.toMillis());
    assertFalse(thread.isAlive(), thread.getName() + " did not end");
  }

  /** Waits for a latch like a body that ignores interrupts; returns whether it was interrupted. */
  static boolean awaitIgnoringInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    long end = System.nanoTime() + WAIT.toNanos();
    while (true) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting (ignoring interrupts)");
      }
      try {
        if (latch.await(left, TimeUnit.NANOSECONDS)) {
          return interrupted;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /** Calls {@code System.gc()} until {@code ref} is cleared, failing after {@link #WAIT}. */
  static void assertCollected(Reference<?> ref, String what) {
    long end = System.nanoTime() + WAIT.toNanos();
    while (ref.get() != null) {
      if (System.nanoTime() - end > 0) {
        fail(what + " is still reachable");
      }
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** A plain thread that calls {@code run()} on one call. */
  static final class RunThread {
    final Thread thread;

    /** Completes with the thread's interrupt flag as it was right after {@code run()} returned. */
    final CompletableFuture<Boolean> interruptFlagAfterRun = new CompletableFuture<>();

    final AtomicReference<CompletionStage<Void>> runStage = new AtomicReference<>();
    final AtomicReference<Throwable> uncaught = new AtomicReference<>();

    RunThread(Call<?> call, String name) {
      thread =
          new Thread(
              () -> {
                try {
                  runStage.set(call.run());
                  interruptFlagAfterRun.complete(Thread.currentThread().isInterrupted());
                } catch (Throwable t) {
                  interruptFlagAfterRun.completeExceptionally(t);
                  throw t;
                }
              },
              name);
      thread.setUncaughtExceptionHandler((t, e) -> uncaught.set(e));
    }

    /** Waits until {@code run()} returned and tells whether the thread was then interrupted. */
    boolean interruptedAfterRun() throws Exception {
      return interruptFlagAfterRun.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void join() throws InterruptedException {
      CallTestSupport.join(thread);
    }
  }
}

package org.portal4j.test.tck;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A platform thread standing in for a caller: it runs a body once and keeps what came of it exactly
 * as thrown (no future in between to unwrap a {@link java.util.concurrent.CompletionException}),
 * and whether its interrupt flag was set when the body ended.
 */
final class CallerThread {

  final Thread thread;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile @Nullable Object value;
  private volatile @Nullable Throwable thrown;
  private volatile boolean interruptedAtEnd;

  private CallerThread(String name, boolean daemon, Callable<?> body) {
    thread =
        new Thread(
            () -> {
              try {
                value = body.call();
              } catch (Throwable t) {
                thrown = t;
              } finally {
                interruptedAtEnd = Thread.currentThread().isInterrupted();
                ended.countDown();
              }
            },
            name);
    thread.setDaemon(daemon);
  }

  /** Starts a daemon caller; the fixture joins it after the test. */
  static CallerThread start(TckFixture fixture, String name, Callable<?> body) {
    return start(fixture, name, true, body);
  }

  /** Starts a caller with the given daemon flag; the fixture joins it after the test. */
  static CallerThread start(TckFixture fixture, String name, boolean daemon, Callable<?> body) {
    CallerThread caller = new CallerThread(name, daemon, body);
    fixture.thread(caller.thread);
    caller.thread.start();
    return caller;
  }

  private void awaitEnd() throws InterruptedException {
    if (!ended.await(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(thread.getName() + " did not end within " + Await.WAIT);
    }
  }

  /** What the body returned; fails if it threw or has not returned within the wait. */
  @Nullable Object result() throws InterruptedException {
    awaitEnd();
    Throwable t = thrown;
    if (t != null) {
      throw new AssertionError(thread.getName() + " threw " + t, t);
    }
    return value;
  }

  /** What the body threw; fails if it returned or has not ended within the wait. */
  Throwable failure() throws InterruptedException {
    awaitEnd();
    Throwable t = thrown;
    if (t == null) {
      throw new AssertionError(thread.getName() + " returned " + value + " instead of throwing");
    }
    return t;
  }

  /** Whether the thread's interrupt flag was set as the body ended; call after the outcome. */
  boolean interruptedAtEnd() {
    return interruptedAtEnd;
  }
}

package org.portal4j.examples;

import static org.portal4j.examples.SeedScenarioDemo.say;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromSync;

/**
 * A call that blocks past its timeout is interrupted at the deadline, and the caller gets a {@link
 * CallTimeoutException}; the worker thread it ran on ends with it. The timeout starts when the call
 * starts, so times are counted from there. {@link CancellationDemo} cancels calls by hand.
 */
public final class TimeoutDemo {

  private TimeoutDemo() {}

  public static void main(String[] args) throws InterruptedException {
    AtomicLong started = new AtomicLong();
    CountDownLatch bodyEnded = new CountDownLatch(1);
    try {
      FromSync.callInNewThread(
          () -> {
            started.set(System.nanoTime());
            say("blocking for ever (until interrupted)");
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              say("interrupted by the timeout " + millisSince(started) + " ms after the start");
              throw e;
            } finally {
              bodyEnded.countDown();
            }
            return null;
          },
          Duration.ofMillis(500));
    } catch (CallTimeoutException e) {
      say("caller released " + millisSince(started) + " ms after the start by " + e);
    }
    // The caller is released at the deadline; the body, interrupted then, ends on its own thread.
    bodyEnded.await(5, TimeUnit.SECONDS);
  }

  private static long millisSince(AtomicLong start) {
    return (System.nanoTime() - start.get()) / 1_000_000;
  }
}

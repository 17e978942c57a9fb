package org.portal4j.examples;

import static org.portal4j.examples.SeedScenarioDemo.say;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromSync;

/**
 * A call that blocks past its timeout is interrupted at the deadline, and the caller gets a {@link
 * CallTimeoutException}; the worker thread it ran on ends with it.
 */
public final class TimeoutDemo {

  private TimeoutDemo() {}

  public static void main(String[] args) throws InterruptedException {
    long start = System.nanoTime();
    CountDownLatch bodyEnded = new CountDownLatch(1);
    try {
      FromSync.callInNewThread(
          () -> {
            say("blocking for ever (until interrupted)");
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              say("interrupted by the timeout after " + millisSince(start) + " ms");
              throw e;
            } finally {
              bodyEnded.countDown();
            }
            return null;
          },
          Duration.ofMillis(500));
    } catch (CallTimeoutException e) {
      say("caller got " + e + " after " + millisSince(start) + " ms");
    }
    // The caller is released at the deadline; the body, interrupted then, ends on its own thread.
    bodyEnded.await(5, TimeUnit.SECONDS);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}

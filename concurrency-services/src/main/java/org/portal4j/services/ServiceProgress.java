package org.portal4j.services;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.spi.support.Deadline;

/**
 * How far a queue service got: items accepted, items done (handled, failed or abandoned), how many
 * a {@code waitUntilEmpty()} waits for, and a signal for the waiters.
 *
 * <p>An item is counted as accepted before it is queued, and the queue is FIFO: so once as many
 * items are done as were accepted at some moment, every item accepted before that moment is among
 * them. That is what {@link #awaitDone} relies on.
 */
final class ServiceProgress {

  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong flushTarget = new AtomicLong(); // a waiter wants this many done
  private final AtomicReference<@Nullable CompletableFuture<Void>> signal = new AtomicReference<>();

  /** An item is about to be queued. */
  void accepted() {
    accepted.incrementAndGet();
  }

  /** {@code count} items are done; wakes the waiters. */
  void done(int count) {
    done.addAndGet(count);
    signal();
  }

  /** Wakes the waiters, who look again. */
  void signal() {
    if (signal.get() != null) {
      CompletableFuture<Void> current = signal.getAndSet(null);
      if (current != null) {
        current.complete(null);
      }
    }
  }

  long pending() {
    return Math.max(0, accepted.get() - done.get());
  }

  /** Whether a waiter waits for items not done yet: a partial batch must go now. */
  boolean flushRequested() {
    return done.get() < flushTarget.get();
  }

  /**
   * Asks for the items accepted so far to be done.
   *
   * @return how many items must be done for that
   */
  long requestFlush() {
    long target = accepted.get();
    flushTarget.accumulateAndGet(target, Math::max);
    return target;
  }

  /**
   * Waits until {@code target} items are done, or {@code stopped} says the service stopped.
   *
   * @return false if the deadline passed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitDone(long target, Deadline deadline, BooleanSupplier stopped)
      throws InterruptedException {
    while (true) {
      if (done.get() >= target || stopped.getAsBoolean()) {
        return true;
      }
      CompletableFuture<Void> next = // never null: the update installs one if there is none
          Objects.requireNonNull(
              signal.updateAndGet(
                  current -> current != null ? current : new CompletableFuture<>()));
      if (done.get() >= target || stopped.getAsBoolean()) {
        return true; // the signal may have been installed after the consumer's last look
      }
      try {
        if (deadline.isNever()) {
          next.get();
        } else {
          long remaining = deadline.remainingNanos();
          if (remaining <= 0) {
            return false;
          }
          next.get(remaining, TimeUnit.NANOSECONDS);
        }
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new CompletionException(e.getCause()); // signals never fail
      }
    }
  }
}

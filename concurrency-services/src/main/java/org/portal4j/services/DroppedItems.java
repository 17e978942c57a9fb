package org.portal4j.services;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts the items a full queue turned away and warns about them at most once per {@link
 * #WARN_EVERY_NANOS}: a flood of drops must not become a flood of log lines (nor slow every sender
 * down by formatting one). Lock-free; called on the senders' threads.
 */
final class DroppedItems {

  static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Logger log;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong unreported = new AtomicLong();
  private final AtomicLong nextWarnAt = new AtomicLong(System.nanoTime());

  DroppedItems(Logger log) {
    this.log = log;
  }

  /** Counts one drop, and warns if the last warning is old enough. */
  void record(Object service, int capacity) {
    total.incrementAndGet();
    unreported.incrementAndGet();
    long now = System.nanoTime();
    long next = nextWarnAt.get();
    // One sender wins the CAS and reports everything counted since the last warning.
    if (now - next >= 0 && nextWarnAt.compareAndSet(next, now + WARN_EVERY_NANOS)) {
      warn(service, capacity);
    }
  }

  /** Reports drops that came after the last warning; called once the service has stopped. */
  void reportRest(Object service, int capacity) {
    warn(service, capacity);
  }

  private void warn(Object service, int capacity) {
    long count = unreported.getAndSet(0);
    if (count > 0) {
      log.warn(
          "{} dropped {} item(s) because its queue was full ({} items); {} dropped in all",
          service,
          count,
          capacity,
          total.get());
    }
  }

  long total() {
    return total.get();
  }
}

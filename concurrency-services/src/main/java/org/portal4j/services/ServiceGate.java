package org.portal4j.services;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a queue service takes items, and how many senders are between their check and their
 * enqueue, in one word: a closed bit and a count, changed by CAS (the way {@code
 * ThreadPoolExecutor.ctl} packs its run state and worker count). Closed with no sender inside, the
 * gate is <em>sealed</em>: no item can ever arrive again, which is when a drain may finish.
 *
 * <p>The word's readers ({@link #isClosed(long)}, {@link #isSealed(long)}) take a value read once,
 * so that one turn of the consumer judges by one moment.
 */
final class ServiceGate {

  private static final long CLOSED = 1L << 62;

  /** Closed until the service is opened. */
  private final AtomicLong word = new AtomicLong(CLOSED);

  /** Opens the gate of a new service; nobody can be inside yet. */
  void open() {
    word.set(0);
  }

  /**
   * A sender enters, unless the gate is closed.
   *
   * @return true if it entered: it must {@link #leave()} after its enqueue
   */
  boolean enter() {
    long w;
    do {
      w = word.get();
      if (isClosed(w)) {
        return false;
      }
    } while (!word.compareAndSet(w, w + 1));
    return true;
  }

  /**
   * A sender that entered leaves.
   *
   * @return true if it was the last one out of a closed gate: the gate is sealed now
   */
  boolean leave() {
    return word.decrementAndGet() == CLOSED;
  }

  /**
   * Closes the gate; senders inside still finish their enqueue.
   *
   * @return the word before: {@link #isClosed(long)} false if this call closed it, {@link
   *     #isEmpty(long)} true if nobody was inside (so the gate is sealed now)
   */
  long close() {
    return word.getAndUpdate(w -> w | CLOSED);
  }

  /** Closes the gate of a service that was never seen by a sender. */
  void seal() {
    word.set(CLOSED);
  }

  /**
   * The word now, for the static readers.
   *
   * @return the word
   */
  long read() {
    return word.get();
  }

  boolean isOpen() {
    return !isClosed(word.get());
  }

  boolean isSealed() {
    return isSealed(word.get());
  }

  static boolean isClosed(long word) {
    return (word & CLOSED) != 0;
  }

  static boolean isEmpty(long word) {
    return (word & ~CLOSED) == 0;
  }

  static boolean isSealed(long word) {
    return word == CLOSED;
  }
}

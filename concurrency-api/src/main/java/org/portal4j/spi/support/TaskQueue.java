package org.portal4j.spi.support;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The queue of a portal's tasks: any number of threads offer, one thread at a time polls (the
 * portal's thread, or whichever thread holds the drain of a portal over an executor). Unbounded and
 * FIFO, it is a chain of chunks of slots: an offer claims the next index by one CAS on the tail and
 * stores the task in that index's slot, and a new chunk is made once per {@code chunkSize} tasks,
 * where {@code ConcurrentLinkedQueue} makes a node per task. The consumer writes only its own
 * fields and the slots it empties, which producers never read, and each side's index sits on a
 * cache line of its own: a consumer's write of its index, once per task, must not take from the
 * producers the line they read on every offer.
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Indices below {@code tail} are claimed; a claimed slot is empty only while its producer is
 *       between its CAS and its store.
 *   <li>The producers' chunk holds index {@code tail}, or is the chunk before it while the next one
 *       is being linked; it only moves forward, and only once {@code tail} has passed its end, so a
 *       producer that reads the chunk and then the tail finds {@code chunk.base <= tail}.
 *   <li>A chunk's successor is linked before any index in it is claimed, so a consumer at the end
 *       of a chunk with no successor has taken every claimed index: the queue is empty.
 * </ul>
 *
 * <p>Only {@link #snapshot()} and {@link #forEachQueued} may be called by any thread while the
 * consumer polls; they are weakly consistent, for diagnostics and for cancelling in place.
 */
final class TaskQueue {

  /** Slots per chunk: about 1 KiB of slots, 4 bytes per task. */
  static final int CHUNK_SIZE = 256;

  /**
   * Slots per chunk of a queue that takes a few tasks in its life (a run-once portal's: its call,
   * its shutdown): a full-size first chunk would be most of what such a portal allocates.
   */
  static final int FEW_TASKS_CHUNK_SIZE = 4;

  /**
   * Fills a claimed slot whose store threw (a {@link StackOverflowError} in an interpreted store):
   * the consumer skips it instead of waiting for a task that never comes.
   */
  private static final Object SKIPPED = new Object();

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle INDEX;
  private static final VarHandle CHUNK;
  private static final VarHandle NEXT;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      INDEX = lookup.findVarHandle(End.class, "index", long.class);
      CHUNK = lookup.findVarHandle(End.class, "chunk", Chunk.class);
      NEXT = lookup.findVarHandle(Chunk.class, "next", Chunk.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The slots of indices {@code base} to {@code base + slots.length - 1}. */
  private static final class Chunk {
    final long base;
    final @Nullable Object[] slots;
    volatile @Nullable Chunk next;

    Chunk(long base, int size) {
      this.base = base;
      this.slots = new Object[size];
    }
  }

  /**
   * One end of the queue: an index and the chunk that holds it (or ends at it). The producers' end
   * is the tail, claimed by CAS; the consumer's is the head, written by one thread at a time. Both
   * are read by any thread.
   */
  private static class End extends LinePadding {
    volatile long index;
    volatile Chunk chunk;

    End(Chunk first) {
      this.chunk = first;
    }
  }

  /**
   * An {@link End} with 64 bytes of fields after it, as {@link LinePadding} puts 64 before it, so
   * nothing else shares the end's line.
   */
  @SuppressWarnings("unused") // padding
  private static final class PaddedEnd extends End {
    private long q0, q1, q2, q3, q4, q5, q6, q7;

    PaddedEnd(Chunk first) {
      super(first);
    }
  }

  private final int chunkSize;

  /** The tail: the next index to claim, and the producers' chunk. */
  private final End producers;

  /** The head: the next index to take, and the consumer's chunk. */
  private final End consumer;

  TaskQueue() {
    this(CHUNK_SIZE);
  }

  /** A queue with chunks of {@code chunkSize} slots: small ones let tests cross chunks often. */
  TaskQueue(int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
    }
    this.chunkSize = chunkSize;
    Chunk first = new Chunk(0, chunkSize);
    this.consumer = new PaddedEnd(first);
    this.producers = new PaddedEnd(first);
  }

  /**
   * Adds {@code task} at the tail. Any thread; never blocks. If it throws (out of memory, or of
   * stack), the task was not added.
   *
   * @param task the task, not null
   * @return the index it was given: tasks are taken in the order of their indices
   */
  long offer(Object task) {
    End p = producers;
    while (true) {
      Chunk c = p.chunk; // read before the tail: c.base <= tail
      long i = p.index;
      long offset = i - c.base;
      if (offset < chunkSize) {
        if (INDEX.compareAndSet(p, i, i + 1)) {
          try {
            SLOTS.setRelease(c.slots, (int) offset, task);
          } catch (Throwable t) {
            c.slots[(int) offset] = SKIPPED; // a plain store calls nothing, so cannot fail
            throw t;
          }
          return i;
        }
      } else {
        advance(p, c);
      }
    }
  }

  /** The producers' chunk {@code full} is full: link its successor if needed, and move to it. */
  private void advance(End p, Chunk full) {
    Chunk next = full.next;
    if (next == null) {
      Chunk made = new Chunk(full.base + chunkSize, chunkSize);
      Chunk witness = (Chunk) NEXT.compareAndExchange(full, (Chunk) null, made);
      next = witness == null ? made : witness;
    }
    CHUNK.compareAndSet(p, full, next);
  }

  /**
   * Takes the task at the head. The consumer only.
   *
   * @return the task, or null if the queue is empty
   */
  @Nullable Object poll() {
    while (true) {
      End q = consumer;
      Chunk c = q.chunk;
      long h = q.index;
      int offset = (int) (h - c.base);
      if (offset == chunkSize) {
        Chunk next = c.next;
        if (next == null) {
          return null; // no index of the next chunk is claimed yet
        }
        q.chunk = c = next;
        offset = 0;
      }
      Object task = SLOTS.getAcquire(c.slots, offset);
      if (task == null) {
        if (h == producers.index) {
          return null;
        }
        task = awaitStore(c.slots, offset);
      }
      c.slots[offset] = null; // no longer the queue's to keep alive
      INDEX.setRelease(q, h + 1);
      if (task != SKIPPED) {
        return task;
      }
    }
  }

  /** A producer claimed the slot and is about to fill it: wait for its store. */
  private static Object awaitStore(@Nullable Object[] slots, int offset) {
    for (int spins = 1; ; spins++) {
      Object task = SLOTS.getAcquire(slots, offset);
      if (task != null) {
        return task;
      }
      if ((spins & 1023) == 0) {
        Thread.yield(); // the producer may have lost its core between its CAS and its store
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /**
   * How many slots the consumer has taken, skipped ones included: once {@link #poll()} returned a
   * task, the task's index plus one. For the consumer.
   */
  long taken() {
    return consumer.index;
  }

  /**
   * Whether every task offered so far was taken. Exact for the consumer; any other thread may see
   * the queue not empty a little longer than it is.
   *
   * @return whether the queue is empty
   */
  boolean isEmpty() {
    return consumer.index == producers.index;
  }

  /**
   * The tasks queued now, head first; weakly consistent: any thread, never blocks the queue, may
   * include a task taken meanwhile or miss one offered meanwhile.
   *
   * @return a new list of the tasks
   */
  List<Object> snapshot() {
    List<Object> tasks = new ArrayList<>();
    forEachQueued((index, task) -> tasks.add(task));
    return tasks;
  }

  /** What {@link #forEachQueued} shows each task to. */
  interface Visitor {
    /**
     * Sees one task.
     *
     * @param index the task's index
     * @param task the task
     */
    void visit(long index, Object task);
  }

  /**
   * Shows {@code visitor} each task queued now with its index, head first; weakly consistent, as
   * {@link #snapshot()} is.
   *
   * @param visitor what sees the tasks
   */
  void forEachQueued(Visitor visitor) {
    for (Chunk c = consumer.chunk; c != null; c = c.next) {
      for (int i = 0; i < c.slots.length; i++) {
        Object task = SLOTS.getAcquire(c.slots, i);
        if (task != null && task != SKIPPED) {
          visitor.visit(c.base + i, task);
        }
      }
    }
  }
}

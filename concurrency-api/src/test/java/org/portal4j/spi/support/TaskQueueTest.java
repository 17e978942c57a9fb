package org.portal4j.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TaskQueueTest {

  @Test
  void anEmptyQueuePollsNullAndSaysItIsEmpty() {
    TaskQueue queue = new TaskQueue();
    assertTrue(queue.isEmpty());
    assertNull(queue.poll());
    assertEquals(List.of(), queue.snapshot());
  }

  @Test
  void tasksComeOutInTheOrderTheyWentInAcrossManyChunks() {
    TaskQueue queue = new TaskQueue(3);
    for (int round = 0; round < 4; round++) { // drained empty at a chunk's end and in its middle
      for (int i = 0; i < 10; i++) {
        queue.offer(round * 100 + i);
      }
      assertFalse(queue.isEmpty());
      for (int i = 0; i < 10; i++) {
        assertEquals(round * 100 + i, queue.poll());
      }
      assertTrue(queue.isEmpty());
      assertNull(queue.poll());
    }
  }

  @Test
  void aSnapshotListsTheQueuedTasksHeadFirstAndNotTheTakenOnes() {
    TaskQueue queue = new TaskQueue(2);
    for (int i = 0; i < 5; i++) {
      queue.offer(i);
    }
    assertEquals(0, queue.poll());
    assertEquals(1, queue.poll());
    assertEquals(2, queue.poll());
    assertEquals(List.of(3, 4), queue.snapshot());
    assertEquals(3, queue.poll()); // the snapshot took nothing
  }

  @Test
  void aChunkSizeBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new TaskQueue(0));
    assertThrows(IllegalArgumentException.class, () -> new TaskQueue(-1));
  }

  @Test
  void everyTaskOfRacingProducersIsTakenOnceAndEachProducersOrderIsKept() throws Exception {
    int producers = 4;
    int each = 50_000;
    TaskQueue queue = new TaskQueue(8); // small chunks: the producers race to link many
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t =
          new Thread(
              () -> {
                awaitQuietly(start);
                for (int i = 0; i < each; i++) {
                  queue.offer(new long[] {producer, i});
                }
              });
      t.start();
      threads.add(t);
    }
    AtomicReference<String> snapshotBroken = new AtomicReference<>();
    Thread snooper = // reads while the consumer polls: weakly consistent, but each producer's order
        new Thread(
            () -> {
              awaitQuietly(start);
              for (int i = 0; i < 200; i++) {
                long[] seen = {-1, -1, -1, -1};
                for (Object task : queue.snapshot()) {
                  long[] t = (long[]) task;
                  if (t[1] <= seen[(int) t[0]]) {
                    snapshotBroken.compareAndSet(null, "a snapshot out of order: " + t[1]);
                  }
                  seen[(int) t[0]] = t[1];
                }
              }
            });
    snooper.start();
    start.countDown();
    long[] next = new long[producers];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int taken = 0; taken < producers * each; ) {
      long[] task = (long[]) queue.poll();
      if (task == null) {
        assertTrue(System.nanoTime() < deadline, "tasks lost: only " + taken + " taken");
        Thread.onSpinWait();
        continue;
      }
      assertEquals(next[(int) task[0]]++, task[1], "producer " + task[0] + " out of order");
      taken++;
    }
    for (Thread t : threads) {
      t.join();
    }
    snooper.join();
    assertNull(snapshotBroken.get(), snapshotBroken.get());
    assertNull(queue.poll());
    assertTrue(queue.isEmpty());
  }

  @Test
  void aConsumerThatChangesThreadsTakesEveryTaskOnceAndInOrder() throws Exception {
    // Like a portal over an executor: whichever thread wins the drain baton polls, a few tasks at
    // a time, then hands the baton back; the baton's CAS and release order the consumer's fields.
    int each = 50_000;
    TaskQueue queue = new TaskQueue(8);
    AtomicBoolean baton = new AtomicBoolean();
    long[] next = new long[2]; // guarded by the baton
    AtomicInteger taken = new AtomicInteger();
    AtomicReference<String> broken = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int producer = p;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  queue.offer(new long[] {producer, i});
                }
              }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int c = 0; c < 3; c++) {
      threads.add(
          new Thread(
              () -> {
                while (taken.get() < 2 * each && System.nanoTime() < deadline) {
                  if (!baton.compareAndSet(false, true)) {
                    Thread.onSpinWait();
                    continue;
                  }
                  for (int k = 0; k < 7; k++) {
                    long[] task = (long[]) queue.poll();
                    if (task == null) {
                      break;
                    }
                    if (next[(int) task[0]]++ != task[1]) {
                      broken.compareAndSet(null, "producer " + task[0] + " out of order");
                    }
                    taken.incrementAndGet();
                  }
                  baton.set(false);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertNull(broken.get(), broken.get());
    assertEquals(2 * each, taken.get(), "tasks lost or taken twice");
    assertTrue(queue.isEmpty());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A producer that runs out of stack inside {@code offer} (an interpreted VarHandle call is a few
   * frames deep) either added its task or did not; if it claimed a slot and could not fill it, the
   * slot is marked skipped, so the consumer neither waits for it forever nor takes a task that was
   * not added. The overflow is provoked at every depth a deep recursion unwinds through, so some
   * offers fail before their claim, some between claim and store, some not at all. Only an
   * interpreted offer has calls between its claim and its store (compiled, both are intrinsics), so
   * only a run in a fresh JVM reaches the skipped slot (seen with a counter: once, the first time).
   */
  @Test
  void aProducerWhoseStackOverflowsInsideOfferLeavesNoSlotTheConsumerWaitsFor() throws Exception {
    TaskQueue queue = new TaskQueue(4); // small chunks: some overflows come as a chunk is linked
    Overflowing producer = new Overflowing(queue, 200_000);
    Thread thread = new Thread(null, producer::dive, "overflowing", 256 * 1024);
    thread.setDaemon(true); // a consumer or producer that hangs must not keep the JVM alive
    thread.start();
    assertTrue(joined(thread), "the producer did not end");
    List<Object> added = new ArrayList<>();
    for (int depth = producer.added.length - 1; depth >= 0; depth--) { // offered as it unwound
      if (producer.added[depth]) {
        added.add(producer.tasks[depth]);
      }
    }
    assertTrue(producer.deepest > 0 && !added.isEmpty(), "no offer overflowed, or none got in");
    AtomicReference<List<Object>> taken = new AtomicReference<>();
    Thread consumer =
        new Thread(
            () -> {
              List<Object> all = new ArrayList<>();
              for (Object task = queue.poll(); task != null; task = queue.poll()) {
                all.add(task);
              }
              taken.set(all);
            },
            "consumer");
    consumer.setDaemon(true);
    consumer.start();
    assertTrue(joined(consumer), "the consumer waits for a slot nobody fills");
    assertEquals(added, taken.get());
    assertTrue(queue.isEmpty());
  }

  private static boolean joined(Thread thread) throws InterruptedException {
    thread.join(TimeUnit.SECONDS.toMillis(30));
    return !thread.isAlive();
  }

  /** Recurses until its stack overflows, then offers one task per frame as it unwinds. */
  private static final class Overflowing {
    final TaskQueue queue;
    final Object[] tasks; // made up front: making one is a call, which may overflow
    final boolean[] added;
    int depth;
    int deepest;

    Overflowing(TaskQueue queue, int frames) {
      this.queue = queue;
      this.tasks = new Object[frames];
      for (int i = 0; i < frames; i++) {
        tasks[i] = "task-" + i;
      }
      this.added = new boolean[frames];
    }

    void dive() {
      int here = depth++;
      if (here + 1 < tasks.length) {
        try {
          dive();
        } catch (StackOverflowError deepEnough) {
          deepest = here;
        }
      }
      try {
        queue.offer(tasks[here]);
        added[here] = true; // an array store: no call, so it cannot overflow
      } catch (StackOverflowError notAdded) {
        // the queue says: not added
      }
    }
  }
}

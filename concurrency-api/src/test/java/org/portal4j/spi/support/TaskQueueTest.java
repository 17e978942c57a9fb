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
}

package org.portal4j.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A producer that runs out of stack inside {@link TaskQueue#offer}. Runs in a fork of its own
 * (concurrency-api's pom), interpreted only ({@code -Xint}): compiled, the claim and the store are
 * intrinsics with no call between them, so no overflow can land there.
 */
class TaskQueueOverflowTest {

  /**
   * A producer whose stack overflows inside {@code offer} (an interpreted VarHandle call is a few
   * frames deep) either added its task or did not; if it claimed a slot and could not fill it, the
   * slot is marked skipped, so the consumer neither waits for it forever nor takes a task that was
   * not added. The overflow is provoked at every depth a deep recursion unwinds through, so some
   * offers fail before their claim, some between claim and store, some not at all; the test checks
   * that at least one slot was skipped, so it cannot pass without reaching that path.
   */
  @Test
  void aProducerWhoseStackOverflowsInsideOfferLeavesNoSlotTheConsumerWaitsFor() throws Exception {
    linkAtFullStack();
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
    assertTrue(queue.taken() > added.size(), "no slot was claimed and left unfilled");
  }

  /**
   * Runs every path of offer and poll once with the whole stack, so that their call sites are
   * linked and their classes initialised before the dive: an overflow inside a class initialiser or
   * a method handle's first linking would break that class for the rest of the JVM.
   */
  private static void linkAtFullStack() {
    TaskQueue queue = new TaskQueue(2);
    for (int i = 0; i < 5; i++) { // crosses two chunk ends
      queue.offer(i);
    }
    while (queue.poll() != null) {
      // drained
    }
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

package org.portal4j.spi.support;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.portal4j.model.ModelChecks;

/**
 * Model checks {@link TaskQueue}, the portal's multi-producer single-consumer queue, with chunks of
 * one slot, so that every offer crosses into a new chunk and racing offers race to link it: any
 * thread offers, one thread at a time polls and asks whether it is empty (the consumer operations
 * never run in parallel with each other).
 *
 * <p>Sequential specification: a FIFO queue ({@link Spec}); poll returns null when empty.
 */
public class TaskQueueModelTest {

  private final TaskQueue queue = new TaskQueue(1);

  @Operation
  public void offer(int task) {
    queue.offer(task);
  }

  @Operation(nonParallelGroup = "consumer")
  public Object poll() {
    return queue.poll();
  }

  @Operation(nonParallelGroup = "consumer")
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** The sequential specification: a FIFO queue. */
  public static class Spec {
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();

    public void offer(int task) {
      queue.add(task);
    }

    public Object poll() {
      return queue.poll();
    }

    public boolean isEmpty() {
      return queue.isEmpty();
    }
  }

  @Test
  void everyInterleavingIsAFifoQueue() {
    ModelChecks.options().sequentialSpecification(Spec.class).check(getClass());
  }
}

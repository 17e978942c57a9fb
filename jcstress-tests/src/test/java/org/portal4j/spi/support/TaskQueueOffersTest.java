package org.portal4j.spi.support;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * Two producers racing across a chunk boundary: with one slot a chunk, every offer links the next
 * chunk. Each task is taken once, in the order of the indices the offers returned.
 */
@JCStressTest
@Description("Racing offers across chunks: each task taken once, in the order of its index")
@Outcome(id = "a b", expect = ACCEPTABLE, desc = "In order, each once")
@Outcome(expect = FORBIDDEN, desc = "A task lost, taken twice, or out of its index's order")
@State
public class TaskQueueOffersTest {

  private final TaskQueue queue = new TaskQueue(1);
  private long a;
  private long b;

  @Actor
  public void producerA() {
    a = queue.offer("a");
  }

  @Actor
  public void producerB() {
    b = queue.offer("b");
  }

  @Arbiter
  public void arbiter(L_Result r) {
    StringBuilder taken = new StringBuilder();
    for (Object t = queue.poll(); t != null; t = queue.poll()) {
      taken.append(taken.length() == 0 ? "" : " ").append(t);
    }
    // Named in index order: "a b" whichever offer came first, if the queue kept that order.
    String expected = a < b ? "a b" : "b a";
    r.r1 = taken.toString().equals(expected) ? "a b" : taken + " (indices " + a + ", " + b + ")";
  }
}

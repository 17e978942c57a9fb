package org.portal4j.spi.support;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

/**
 * A producer and the consumer racing across a chunk boundary: the queue holds "a" in a chunk of two
 * slots, the producer offers "b" (the chunk's last slot) and "c" (the next chunk's first) while the
 * consumer polls twice. The consumer takes "a" and maybe "b", and the rest is still queued, in
 * order.
 */
@JCStressTest
@Description("An offer and polls racing across chunks: a prefix taken, the rest kept, in order")
@Outcome(id = "a, b c", expect = ACCEPTABLE, desc = "Took a, then found the queue empty")
@Outcome(id = "a b, c", expect = ACCEPTABLE, desc = "Took a and b")
@Outcome(expect = FORBIDDEN, desc = "A task lost, taken twice or out of order")
@State
public class TaskQueueOfferPollTest {

  private final TaskQueue queue = new TaskQueue(2);
  private final StringBuilder polled = new StringBuilder();

  public TaskQueueOfferPollTest() {
    queue.offer("a");
  }

  @Actor
  public void producer() {
    queue.offer("b");
    queue.offer("c");
  }

  @Actor
  public void consumer() {
    take(queue.poll());
    take(queue.poll());
  }

  private void take(Object task) {
    if (task != null) {
      polled.append(polled.length() == 0 ? "" : " ").append(task);
    }
  }

  @Arbiter
  public void arbiter(LL_Result r) {
    r.r1 = polled.toString();
    StringBuilder rest = new StringBuilder();
    for (Object t = queue.poll(); t != null; t = queue.poll()) {
      rest.append(rest.length() == 0 ? "" : " ").append(t);
    }
    r.r2 = rest.toString();
  }
}

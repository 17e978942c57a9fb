package org.portal4j.spi.support;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import org.portal4j.jcstress.Outcomes;

/**
 * A portal's own thread starting to park as a submitter hands over a task: the thread marks itself
 * idle and then looks at the queue; the submitter offers and then looks at the mark. One of them
 * must see the other on the real memory model, or the thread parks for good with the task queued (a
 * submitter wakes only a parked thread, as Netty's NIO loop does).
 */
@JCStressTest
@Description("A task handed over as a portal's own thread starts to park is run: seen, or woken")
@Outcome(id = "found", expect = ACCEPTABLE, desc = "The thread saw the task before it parked")
@Outcome(id = "woken", expect = ACCEPTABLE, desc = "The thread parked and the submitter woke it")
@Outcome(expect = FORBIDDEN, desc = "The thread stayed parked with the task queued")
@State
public class IdleWakeWakesParkingThreadTest {

  /** Far longer than a sample takes: a thread still parked then was not woken. */
  private static final long PATIENCE = TimeUnit.SECONDS.toNanos(2);

  private final TaskQueue tasks = new TaskQueue(TaskQueue.FEW_TASKS_CHUNK_SIZE);
  private final IdleWake idle = new IdleWake();

  /** Whether the parking thread's one look found the task; written and read by that thread. */
  private boolean found;

  private final BooleanSupplier taskCame = () -> found = !tasks.isEmpty();

  @Actor
  public void submitter() {
    tasks.offer("task");
    idle.wake();
  }

  @Actor
  public void portalThread(L_Result r) {
    boolean ok = idle.parkUnless(taskCame, this, PATIENCE);
    r.r1 = !ok ? Outcomes.LOST_WAKE_UP : found ? "found" : "woken";
  }
}

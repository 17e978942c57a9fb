package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.model.ModelChecks;
import org.portal4j.spi.support.AbstractLoopPortal;

/**
 * Model checks a loop's {@code execute}, which takes a task without the lifecycle lock while the
 * loop runs, racing {@code shutdown()} and the loop's termination. The loop runs over an executor
 * that runs each drain on the thread that hands it over, so the drain baton and the last drain are
 * in the model.
 *
 * <p>Sequential specification: the operations return nothing, since when a loop terminates after
 * its shutdown depends on who holds the drain; what matters is checked after each execution ({@link
 * #rules()}): every task {@code execute} took ran exactly once, every task it refused never ran,
 * and a loop that was shut down has terminated.
 */
public class LoopExecuteModelTest {

  private static final Executor ON_THE_CALLER = Runnable::run;

  private final AbstractLoopPortal loop =
      new AbstractLoopPortal(
          PortalOptions.defaults(), "ModelledLoop", ON_THE_CALLER, Duration.ZERO) {};

  private final ConcurrentLinkedQueue<AtomicInteger> accepted = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<AtomicInteger> refused = new ConcurrentLinkedQueue<>();
  private volatile boolean shutDown;

  @BeforeAll
  static void bindTheRuntimeOutsideTheModel() {
    Portals.backends(); // finds the runtime once; the model then only reads what it found
  }

  @Operation
  public void execute() {
    AtomicInteger runs = new AtomicInteger();
    try {
      loop.execute(runs::incrementAndGet);
      accepted.add(runs);
    } catch (RejectedExecutionException e) {
      refused.add(runs);
    }
  }

  @Operation
  public void shutdown() {
    loop.shutdown();
    shutDown = true;
  }

  @Validate
  public void rules() {
    for (AtomicInteger runs : accepted) {
      check(runs.get() == 1, "a task execute took ran " + runs.get() + " times");
    }
    for (AtomicInteger runs : refused) {
      check(runs.get() == 0, "a task execute refused ran");
    }
    if (shutDown) {
      check(loop.isTerminated(), "shut down, drained, but not terminated");
    }
    loop.shutdown(); // a started loop stays registered as live until it terminates
  }

  @Test
  void everyTaskTakenRunsOnceAndNoneRefusedRuns() {
    ModelChecks.options().check(getClass());
  }
}

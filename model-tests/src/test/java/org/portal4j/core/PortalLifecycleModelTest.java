package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.model.ModelChecks;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * Model checks the portal lifecycle that every portal of {@link AbstractWorkerPortal} shares:
 * submit, start and shutdown racing each other. The portal runs over an executor that runs each
 * drain on the thread that hands it over, so the drain baton (one drain at a time, never a lost
 * wake-up) is in the model too.
 *
 * <p>Sequential specification ({@link Spec}): a new portal takes calls (and starts); {@code
 * start()} starts it unless it was shut down; after {@code shutdown()} every submit and start is
 * refused with {@link RejectedExecutionException}. Checked after each execution ({@link #rules()}):
 * every call the portal took ran exactly once, a refused call was left untouched (no runner, never
 * run), and a portal that was shut down has terminated once the last drain returned.
 */
public class PortalLifecycleModelTest {

  /** Drains run on the thread that hands them over: no thread outside the model. */
  private static final Executor ON_THE_CALLER = Runnable::run;

  private final AbstractWorkerPortal portal = newPortal();
  private final ConcurrentLinkedQueue<Call<Integer>> accepted = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Call<Integer>> refused = new ConcurrentLinkedQueue<>();
  private final AtomicInteger runs = new AtomicInteger();
  private volatile boolean shutDown;

  /** The portal under test. */
  AbstractWorkerPortal newPortal() {
    return new AbstractWorkerPortal(PortalOptions.defaults(), "Modelled", ON_THE_CALLER) {};
  }

  @BeforeAll
  static void bindTheRuntimeOutsideTheModel() {
    Portals.backends(); // finds the runtime once; the model then only reads what it found
  }

  @Operation
  public String submit() {
    Call<Integer> call = CapturedCall.sync("c", runs::incrementAndGet);
    try {
      portal.submit(call);
      accepted.add(call);
      return "accepted";
    } catch (RejectedExecutionException | IllegalStateException e) {
      refused.add(call);
      return e.getClass().getSimpleName();
    }
  }

  @Operation
  public String start() {
    try {
      portal.start();
      return "started";
    } catch (RejectedExecutionException e) {
      return "RejectedExecutionException";
    }
  }

  @Operation
  public void shutdown() {
    portal.shutdown();
    shutDown = true;
  }

  @Operation
  public boolean isShutdown() {
    return portal.isShutdown();
  }

  @Validate
  public void rules() {
    check(runs.get() == accepted.size(), runs.get() + " runs for " + accepted.size() + " calls");
    for (Call<Integer> call : accepted) {
      check(call.isDone() && !call.isCancelled(), "a call the portal took did not run: " + call);
    }
    for (Call<Integer> call : refused) {
      check(call.runner().isEmpty() && !call.isDone(), "a refused call was touched: " + call);
    }
    if (shutDown) {
      check(portal.isTerminated(), "shut down, drained, but not terminated");
    }
    portal.shutdown(); // a started portal stays registered as live until it terminates
  }

  @Test
  void everyInterleavingKeepsTheSequentialSpecificationAndTheRules() {
    ModelChecks.options().sequentialSpecification(Spec.class).check(getClass());
  }

  /** The sequential specification of a portal's lifecycle. */
  public static class Spec {
    boolean shutDown;

    public String submit() {
      return shutDown ? "RejectedExecutionException" : "accepted";
    }

    public String start() {
      return shutDown ? "RejectedExecutionException" : "started";
    }

    public void shutdown() {
      shutDown = true;
    }

    public boolean isShutdown() {
      return shutDown;
    }
  }
}

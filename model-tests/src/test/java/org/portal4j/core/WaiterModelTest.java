package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.portal4j.model.ModelChecks;

/**
 * Model checks a sync waiter: its owner awaiting; the waited call running on another thread and
 * sending a callback back and waiting for it (the seed's scenario); a third thread submitting a
 * callback of its own; in one test a fourth cancelling the call. In every interleaving the model
 * checker explores, these rules hold at the end (DESIGN.md, Waiters):
 *
 * <ul>
 *   <li>{@code await()} returns, and only once the waited call is done;
 *   <li>a callback is either refused (then the call was already done, and the callback is left
 *       untouched) or accepted, and an accepted one ends before {@code await()} returns: it ran, or
 *       it was cancelled because the waited call was;
 *   <li>when the waited call succeeded, an accepted callback ran;
 *   <li>once waiting ended, the waiter is no longer registered, for its thread or its call.
 * </ul>
 */
public class WaiterModelTest {

  @Test
  void submitAwaitAndTheCallRunningInEveryInterleaving() {
    Lincheck.runConcurrentTest(ModelChecks.invocations(), () -> scenario(false));
  }

  @Test
  void submitAwaitAndTheCallBeingCancelledInEveryInterleaving() {
    Lincheck.runConcurrentTest(ModelChecks.invocations(), () -> scenario(true));
  }

  private static void scenario(boolean cancel) {
    WaiterRegistry registry = new WaiterRegistry();
    BlockingWaiter<?>[] home = new BlockingWaiter<?>[1];
    CapturedCall<String> call =
        CapturedCall.sync(
            "waited",
            () -> home[0].submit(CapturedCall.sync("sent-back", () -> "on the owner")).result());
    CapturedCall<String> callback = CapturedCall.sync("callback", () -> "called back");
    BlockingWaiter<String> waiter = BlockingWaiter.register(call, registry);
    home[0] = waiter;
    AtomicBoolean refused = new AtomicBoolean();
    AtomicBoolean callDoneAtRefusal = new AtomicBoolean();

    Thread submitter =
        new Thread(
            () -> {
              try {
                waiter.submit(callback);
              } catch (IllegalStateException e) {
                callDoneAtRefusal.set(call.isDone());
                refused.set(true);
              }
            });
    Thread runner = new Thread(call::run);
    Thread canceller = new Thread(call::cancel);
    submitter.start();
    runner.start();
    if (cancel) {
      canceller.start();
    }
    waiter.await();
    check(call.isDone(), "await() returned before the call was done");
    join(submitter);
    join(runner);
    if (cancel) {
      join(canceller);
    } else {
      check("on the owner".equals(call.result()), "the callback sent back did not run");
    }

    if (refused.get()) {
      check(callDoneAtRefusal.get(), "a callback was refused while the call was not done");
      check(callback.runner().isEmpty() && !callback.isDone(), "a refused callback was touched");
    } else {
      check(callback.isDone(), "an accepted callback had not ended when await() returned");
      if (!call.isCancelled()) {
        check(!callback.isCancelled(), "a callback was cancelled though the call succeeded");
      }
    }
    check(registry.of(call).isEmpty(), "the waiter is still registered for its call");
    check(registry.forThread(Thread.currentThread()).isEmpty(), "still registered for its owner");
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}

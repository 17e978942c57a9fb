package org.portal4j.core;

import static org.portal4j.model.ModelChecks.check;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.Lincheck;
import org.jspecify.annotations.Nullable;
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

  /**
   * The owner registers a nested waiter while the end of its outer waiter's call, on another
   * thread, deregisters the outer one (it was never awaited): whichever comes first, the owner is
   * left with exactly the inner waiter, and with none once that goes (the registry keeps a platform
   * thread's entry between its waiters, and changes it from both threads).
   */
  @Test
  void anOuterWaiterEndingAsTheOwnerRegistersAnotherLeavesExactlyTheOther() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          WaiterRegistry registry = new WaiterRegistry();
          Thread me = Thread.currentThread();
          BlockingWaiter<String> before =
              BlockingWaiter.register(CapturedCall.sync("before", () -> "x"), registry);
          registry.deregister(before); // the thread's entry is kept, without a waiter
          CapturedCall<String> outerCall = CapturedCall.sync("outer", () -> "x");
          BlockingWaiter<String> outer = BlockingWaiter.register(outerCall, registry);
          Thread runner = new Thread(outerCall::run);
          runner.start();
          BlockingWaiter<String> inner =
              BlockingWaiter.register(CapturedCall.sync("inner", () -> "y"), registry);
          join(runner);
          check(registry.of(outerCall).isEmpty(), "the ended outer waiter is still registered");
          check(
              List.of(inner).equals(registry.forThread(me)),
              "the owner's waiters are " + registry.forThread(me) + ", not the inner one alone");
          check(registry.isOnlyWaiterOfItsOwner(inner), "the inner waiter is not the only one");
          registry.deregister(inner);
          registry.deregister(outer); // again: harmless
          check(registry.forThread(me).isEmpty(), "a waiter is left after both ended");
        });
  }

  /**
   * Two waiters of one owner deregistered at once from two threads (an async waiter's end on its
   * loop, a sync waiter's on its owner): both go, and the owner is left with none (a removal that
   * looked at the entry apart from changing it once left one registered for good).
   */
  @Test
  void twoWaitersOfOneOwnerDeregisteredAtOnceBothGo() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          WaiterRegistry registry = new WaiterRegistry();
          Thread me = Thread.currentThread();
          BlockingWaiter<String> first =
              BlockingWaiter.register(CapturedCall.sync("first", () -> "x"), registry);
          BlockingWaiter<String> second =
              BlockingWaiter.register(CapturedCall.sync("second", () -> "y"), registry);
          Thread other = new Thread(() -> registry.deregister(first));
          other.start();
          registry.deregister(second);
          join(other);
          check(
              registry.forThread(me).isEmpty(),
              "still registered after both ended: " + registry.forThread(me));
        });
  }

  /**
   * Two threads make a waiter for one call at once (DESIGN.md: one waiter per call; a second one
   * throws {@code IllegalStateException}). A waiter's entry for a call that is not done is its hook
   * on the call's done stack, not a map node: exactly one is accepted, it is the call's waiter, and
   * the refused one leaves nothing behind, for its thread or on the call (its hook never runs).
   */
  @Test
  void twoWaitersForOneCallAtOnceExactlyOneIsAccepted() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          WaiterRegistry registry = new WaiterRegistry();
          CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
          BlockingWaiter<?>[] made = new BlockingWaiter<?>[2];
          Thread other = new Thread(() -> made[1] = registerOrNull(call, registry));
          other.start();
          made[0] = registerOrNull(call, registry);
          join(other);
          check(
              (made[0] == null) != (made[1] == null),
              "accepted: " + (made[0] != null) + ", " + (made[1] != null));
          BlockingWaiter<?> accepted = made[0] != null ? made[0] : made[1];
          Thread refusedOwner = made[0] != null ? other : Thread.currentThread();
          check(registry.of(call).orElse(null) == accepted, "the call's waiter is not the one");
          check(registry.forThread(refusedOwner).isEmpty(), "the refused waiter is registered");
          check(call.newestDoneHook() == accepted, "a refused waiter's hook is still on the call");
          check(accepted.nextPendingHook() == null, "a refused waiter's hook is still on the call");
        });
  }

  /**
   * The same, while a third thread runs the call, so either waiter may find it done (then waiters
   * meet in a map) or see it end after its hook was pushed (then the call's end deregisters the
   * waiter, which never awaited). At least one is accepted (a waiter registered for its thread
   * while it decides once made both refused); when both are, the main thread, its own waiter
   * accepted, never finds both registered; none is left once the call ended.
   */
  @Test
  void twoWaitersForOneCallAsItEndsNeverBothRegistered() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          WaiterRegistry registry = new WaiterRegistry();
          CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
          BlockingWaiter<?>[] made = new BlockingWaiter<?>[2];
          boolean[] bothAtOnce = new boolean[1];
          Thread other = new Thread(() -> made[1] = registerOrNull(call, registry));
          Thread runner = new Thread(call::run);
          other.start();
          runner.start();
          made[0] = registerOrNull(call, registry);
          if (made[0] != null && made[1] != null) {
            bothAtOnce[0] =
                registry.forThread(other).contains(made[1])
                    && registry.forThread(Thread.currentThread()).contains(made[0]);
          }
          join(other);
          join(runner);
          check(made[0] != null || made[1] != null, "both waiters were refused");
          check(!bothAtOnce[0], "two waiters registered for one call at once");
          check(registry.of(call).isEmpty(), "a waiter of the done call is still registered");
          check(registry.forThread(other).isEmpty(), "a waiter is still registered");
          check(
              registry.forThread(Thread.currentThread()).isEmpty(), "a waiter is still registered");
        });
  }

  /**
   * A waiter holds the call and leaves it (as one refused by the deadlock check does) while two
   * more register, the second only once the holder has gone. The first may be refused, by the
   * holder; then its hook is on the call's stack for a moment after its refusal was decided, and
   * the second must wait for that decision, not take it for a holder. Exactly one of the two is
   * accepted. (A review found both refused.)
   */
  @Test
  void twoWaitersAsTheHolderLeavesExactlyOneIsAccepted() {
    Lincheck.runConcurrentTest(
        ModelChecks.invocations(),
        () -> {
          WaiterRegistry registry = new WaiterRegistry();
          CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
          BlockingWaiter<String> holder = BlockingWaiter.register(call, registry);
          BlockingWaiter<?>[] made = new BlockingWaiter<?>[2];
          Thread first = new Thread(() -> made[0] = registerOrNull(call, registry));
          first.start();
          holder.abandon();
          made[1] = registerOrNull(call, registry);
          join(first);
          check(
              (made[0] == null) != (made[1] == null),
              "accepted: " + (made[0] != null) + ", " + (made[1] != null));
        });
  }

  private static @Nullable BlockingWaiter<String> registerOrNull(
      CapturedCall<String> call, WaiterRegistry registry) {
    try {
      return BlockingWaiter.register(call, registry);
    } catch (IllegalStateException refused) {
      return null;
    }
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

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.awaitCondition;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;

/**
 * One waiter per call (DESIGN.md, Waiters: a second one throws {@code IllegalStateException}), now
 * that a waiter's entry for a call that is not done is its hook on the call's done stack rather
 * than a map node: refused waiters leave nothing behind, a waiter that stopped before its call
 * ended leaves the call to another, and a waiter still waiting after its call ended (running its
 * done callbacks) holds the call until it is through.
 */
@Timeout(60)
class WaiterOfCallTest {

  private final WaiterRegistry registry = new WaiterRegistry();
  private final Thread me = Thread.currentThread();

  @Test
  void aSecondWaiterIsRefusedAndLeavesNothingOnTheCallOrItsThread() {
    CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
    BlockingWaiter<String> first = BlockingWaiter.register(call, registry);

    assertThrows(IllegalStateException.class, () -> BlockingWaiter.register(call, registry));

    assertSame(first, call.newestDoneHook(), "the refused waiter's hook is still on the call");
    assertNull(first.nextPendingHook());
    assertEquals(List.of(first), registry.forThread(me));
    assertEquals(Optional.of(first), registry.of(call));
    call.run();
    assertEquals(List.of(), registry.forThread(me), "the first waiter's hook did not run");
    assertEquals(Optional.empty(), registry.of(call));
  }

  @Test
  void aWaiterThatStoppedBeforeItsCallEndedLeavesTheCallToAnother() {
    CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
    BlockingWaiter<String> abandoned = BlockingWaiter.register(call, registry);
    abandoned.abandon(); // as when the call cannot be submitted, or the deadlock check refuses

    assertEquals(Optional.empty(), registry.of(call));
    BlockingWaiter<String> next = BlockingWaiter.register(call, registry);
    assertEquals(Optional.of(next), registry.of(call));
    assertEquals(List.of(next), registry.forThread(me));
    call.run();
    assertEquals(Optional.empty(), registry.of(call));
    assertEquals(List.of(), registry.forThread(me));
  }

  @Test
  void aWaiterStillWaitingAfterItsCallEndedHoldsItUntilItIsThrough() throws Exception {
    CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
    CountDownLatch inDoneCallback = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<BlockingWaiter<String>> first = new AtomicReference<>();
    Thread owner =
        new Thread(
            () -> {
              BlockingWaiter<String> waiter = BlockingWaiter.register(call, registry);
              first.set(waiter);
              waiter.addDoneCallback(
                  Call.of(
                      () -> {
                        inDoneCallback.countDown();
                        return release.await(30, TimeUnit.SECONDS);
                      }));
              waiter.await(); // runs the done callback, which blocks
            },
            "owner");
    owner.start();
    awaitCondition(() -> first.get() != null && awaitsParked(owner), "the owner never awaited");
    call.run(); // ends the call while its waiter waits
    assertTrue(inDoneCallback.await(30, TimeUnit.SECONDS), "the done callback never ran");

    assertTrue(call.isDone());
    assertEquals(Optional.of(first.get()), registry.of(call), "the done call lost its waiter");
    assertThrows(IllegalStateException.class, () -> BlockingWaiter.register(call, registry));
    assertEquals(List.of(), registry.forThread(me), "the refused waiter is registered");

    release.countDown();
    owner.join(TimeUnit.SECONDS.toMillis(30));
    awaitCondition(() -> registry.of(call).isEmpty(), "the first waiter still holds the call");
    BlockingWaiter<String> late = BlockingWaiter.register(call, registry); // accepted, and ends
    assertEquals(Optional.empty(), registry.of(call), "a waiter of a done call stays: " + late);
    assertEquals(List.of(), registry.forThread(me));
  }

  private static boolean awaitsParked(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }
}

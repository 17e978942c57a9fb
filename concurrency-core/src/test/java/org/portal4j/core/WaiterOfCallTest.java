package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

  /**
   * A waiter whose hook is older on the call's stack but which has not decided yet whether it holds
   * the call is waited out: refused, it leaves the call to the newcomer; holding it, it refuses the
   * newcomer. (Taken for a holder, it made both refused in a hostile review's interleaving; passed
   * over, it would let two hold the call.)
   */
  @ParameterizedTest(name = "the older waiter holds the call: {0}")
  @ValueSource(booleans = {false, true})
  void aNewcomerWaitsForAnOlderWaiterStillDeciding(boolean olderHolds) throws Exception {
    CapturedCall<String> call = CapturedCall.sync("waited", () -> "x");
    Deciding older = new Deciding(call, registry);
    assertTrue(call.pushDoneHook(older));
    AtomicReference<Object> newcomer = new AtomicReference<>();
    Thread registering =
        new Thread(
            () -> {
              try {
                newcomer.set(BlockingWaiter.register(call, registry));
              } catch (Throwable t) {
                newcomer.set(t);
              }
            },
            "newcomer");
    registering.start();
    awaitCondition(
        () -> newcomer.get() != null || call.newestDoneHook() != older,
        "the newcomer never pushed its hook");
    assertNull(newcomer.get(), "the newcomer did not wait for the older waiter's decision");

    older.decided(olderHolds);
    registering.join(TimeUnit.SECONDS.toMillis(30));

    if (olderHolds) {
      assertInstanceOf(IllegalStateException.class, newcomer.get());
    } else {
      assertInstanceOf(BlockingWaiter.class, newcomer.get());
      assertEquals(Optional.of(newcomer.get()), registry.of(call));
    }
  }

  /** A waiter that only decides when the test says so: its hook is pushed by hand. */
  private static final class Deciding extends AbstractWaiter<String> {
    Deciding(CapturedCall<String> call, WaiterRegistry registry) {
      super(call, registry, new ReentrantLock());
    }

    @Override
    boolean accept(Call<?> callback) {
      return false;
    }

    @Override
    boolean callDoneLocked() {
      return false;
    }

    @Override
    void callDoneWhileWaiting() {}

    @Override
    public boolean runsOnlyOn(Thread thread) {
      return thread == owner;
    }

    @Override
    public String name() {
      return "deciding";
    }
  }

  private static boolean awaitsParked(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }
}

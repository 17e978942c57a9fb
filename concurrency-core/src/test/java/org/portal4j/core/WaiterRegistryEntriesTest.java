package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Waiter;

/**
 * The waiter registry keeps a platform thread's entry between its waiters, so that a thread waiting
 * with a waiter again and again (every {@code FromSync} call) allocates no map node for its thread;
 * it must still list no waiter for a thread whose waiters ended, drop a virtual thread's entry with
 * its last waiter, and forget the threads that ended.
 */
@Timeout(60)
class WaiterRegistryEntriesTest {

  private final WaiterRegistry registry = new WaiterRegistry();

  /**
   * A platform thread waiting again and again allocates its waiter and nothing else: no map node
   * for its thread (the registry keeps its entry) and none for the call (the waiter's entry for a
   * call that is not done is the waiter itself, on the call's done stack).
   */
  @Test
  void aPlatformThreadThatRegistersWaitersAgainAllocatesOnlyTheWaiters() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    registry.deregister(BlockingWaiter.register(Call.of(() -> "first"), registry)); // the entry
    int waits = 2_000;
    long fewest = Long.MAX_VALUE;
    // The fewest of five batches: a batch may help a resize of the map, or sweep.
    for (int batch = 0; batch < 5; batch++) {
      List<Call<Object>> calls = new ArrayList<>(waits);
      for (int i = 0; i < waits; i++) {
        calls.add(Call.of(() -> "never run"));
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      for (Call<Object> call : calls) {
        registry.deregister(BlockingWaiter.register(call, registry));
      }
      fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
    }
    // A waiter is 48 bytes; a map node for the call or the thread would be 32 more each, a node on
    // the call's done stack 24, one more field in the waiter 8.
    assertTrue(fewest < 56L * waits, fewest + " bytes for " + waits + " waiters");
  }

  @Test
  void aThreadWhoseWaitersEndedHasNone() {
    BlockingWaiter<Object> waiter = BlockingWaiter.register(Call.of(() -> "never run"), registry);
    assertEquals(List.of(waiter), registry.forThread(Thread.currentThread()));
    assertTrue(registry.isOnlyWaiterOfItsOwner(waiter));
    waiter.abandon(); // ends waiting and deregisters, as a waiter refused by the deadlock check
    registry.deregister(waiter); // harmless twice
    assertTrue(registry.hasThreadEntry(Thread.currentThread()), "the entry was not kept");
    assertEquals(List.of(), registry.forThread(Thread.currentThread()));
    assertFalse(registry.isOnlyWaiterOfItsOwner(waiter));
    assertTrue(registry.of(waiter.call()).isEmpty());
  }

  @Test
  void nestedWaitersAreListedInnermostLastAndLeaveNoneBehind() {
    BlockingWaiter<Object> outer = BlockingWaiter.register(Call.of(() -> "outer"), registry);
    registry.deregister(outer);
    registry.register(outer); // into the kept entry
    BlockingWaiter<Object> inner = BlockingWaiter.register(Call.of(() -> "inner"), registry);
    assertEquals(List.<Waiter<?>>of(outer, inner), registry.forThread(Thread.currentThread()));
    assertFalse(registry.isOnlyWaiterOfItsOwner(inner));
    registry.deregister(outer); // an outer waiter's call may end first
    assertEquals(List.of(inner), registry.forThread(Thread.currentThread()));
    registry.deregister(inner);
    assertEquals(List.of(), registry.forThread(Thread.currentThread()));
    BlockingWaiter<Object> next = BlockingWaiter.register(Call.of(() -> "next"), registry);
    assertEquals(List.of(next), registry.forThread(Thread.currentThread()));
    registry.deregister(next);
  }

  @Test
  void aVirtualThreadLeavesNoEntryWithItsLastWaiter() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads are Java 21");
    AtomicReference<List<Waiter<?>>> during = new AtomicReference<>();
    Runnable waitOnce =
        () -> {
          BlockingWaiter<Object> waiter =
              BlockingWaiter.register(Call.of(() -> "never run"), registry);
          during.set(registry.forThread(Thread.currentThread()));
          registry.deregister(waiter);
        };
    Thread virtual =
        (Thread)
            Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, waitOnce);
    virtual.join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(virtual.isAlive(), "the virtual thread did not end");
    assertEquals(1, during.get().size());
    assertFalse(registry.hasThreadEntry(virtual));
  }

  @Test
  void theEntriesOfThreadsThatEndedAreSweptOut() throws InterruptedException {
    int threads = 1000;
    for (int batch = 0; batch < threads / 50; batch++) {
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Thread t =
            new Thread(
                () ->
                    registry.deregister(
                        BlockingWaiter.register(Call.of(() -> "never run"), registry)),
                "waits-once-" + i);
        started.add(t);
        t.start();
      }
      for (Thread t : started) {
        t.join();
      }
    }
    int left = registry.threadEntries();
    // A sweep comes after as many entries again as were left (at least 64): what is added between
    // two sweeps, never the thousand threads that ended.
    assertTrue(left < threads / 2, left + " entries left by " + threads + " ended threads");
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Waiters' hooks on a call's done stack racing everything else on it (from a hostile review of the
 * waiter-as-hook change): three threads registering waiters for one call and abandoning some, a
 * timed {@code result()} giving up (its node unlinked) and an untimed one, and the call's end. No
 * parked thread is lost, every accepted waiter's hook runs, nothing stays registered, never two
 * kept waiters hold the call at once, and every round accepts one.
 */
@Timeout(300)
class WaiterHookStressTest {

  @Test
  void hooksParkedWaitersAndWithdrawalsRace() throws Exception {
    int rounds = 3000;
    int registrars = 3;
    int parkers = 2;
    WaiterRegistry registry = new WaiterRegistry();
    AtomicInteger bothHeld = new AtomicInteger();
    AtomicInteger allRefused = new AtomicInteger();
    for (int round = 0; round < rounds; round++) {
      CapturedCall<String> call = CapturedCall.sync("w" + round, () -> "x");
      CyclicBarrier start = new CyclicBarrier(registrars + parkers + 1);
      ConcurrentLinkedQueue<BlockingWaiter<?>> accepted = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<BlockingWaiter<?>> heldAtReturn = new ConcurrentLinkedQueue<>();
      AtomicInteger refused = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < registrars; i++) {
        Thread t =
            new Thread(
                () -> {
                  await(start);
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  for (int k = 0; k < 4; k++) {
                    try {
                      BlockingWaiter<String> w = BlockingWaiter.register(call, registry);
                      accepted.add(w);
                      if (w.item != null) {
                        heldAtReturn.add(w);
                      }
                      if (r.nextInt(3) == 0) {
                        w.abandon();
                      } else {
                        break; // keep it: it holds the call
                      }
                    } catch (IllegalStateException e) {
                      refused.incrementAndGet();
                    }
                  }
                },
                "registrar-" + i);
        threads.add(t);
      }
      for (int i = 0; i < parkers; i++) {
        boolean timed = i == 0;
        Thread t =
            new Thread(
                () -> {
                  await(start);
                  if (timed) {
                    for (int k = 0; k < 3; k++) {
                      try {
                        call.result(Duration.ofNanos(ThreadLocalRandom.current().nextInt(50_000)));
                      } catch (TimeoutException e) {
                        // gave up: unlinkAbandoned
                      }
                    }
                  }
                  call.result(); // must wake
                },
                "parker-" + i);
        threads.add(t);
      }
      threads.forEach(Thread::start);
      await(start);
      if (ThreadLocalRandom.current().nextBoolean()) {
        Thread.onSpinWait();
      }
      call.run();
      for (Thread t : threads) {
        t.join(10_000);
        if (t.isAlive()) {
          fail("round " + round + ": " + t.getName() + " never returned (lost node?)");
        }
      }
      // The hooks of all accepted waiters ran (none was awaiting), and nothing stays registered.
      for (BlockingWaiter<?> w : accepted) {
        assertTrue(w.callDone, "round " + round + ": an accepted waiter's hook never ran");
        assertTrue(w.item == null, "round " + round + ": hook item not cleared");
      }
      assertEquals(Optional.empty(), registry.of(call), "round " + round);
      for (Thread t : threads) {
        assertEquals(List.of(), registry.forThread(t), "round " + round + " " + t.getName());
      }
      // At most one kept waiter held the call (its hook pending) as publish() returned.
      int kept = 0;
      for (BlockingWaiter<?> w : heldAtReturn) {
        if (w.hold() == AbstractWaiter.HOLDS) {
          kept++;
        }
      }
      if (kept > 1) {
        bothHeld.incrementAndGet();
      }
      if (accepted.isEmpty()) {
        allRefused.incrementAndGet();
      }
    }
    assertEquals(0, bothHeld.get(), "rounds where two kept waiters held the call");
    assertEquals(0, allRefused.get(), "rounds where every waiter was refused");
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;

/**
 * The wait-for graph keeps a thread's entry between its waits, so that a wait that blocks allocates
 * no map node; it must still forget the threads that ended, and never take a thread whose wait
 * ended for a blocked one.
 */
@Timeout(60)
class WaitGraphEntriesTest {

  @Test
  void aThreadThatWaitsAgainKeepsOneEntry() {
    Call<Object> call = Call.of(() -> "never run");
    WaitGraph.exit(WaitGraph.enter(call, null));
    int before = WaitGraph.entries();
    for (int i = 0; i < 100; i++) {
      WaitGraph.exit(WaitGraph.enter(call, null));
    }
    assertEquals(before, WaitGraph.entries());
  }

  @Test
  void aThreadWhoseWaitEndedIsNotWaitingForTheCall() throws InterruptedException {
    Call<Object> call = Call.of(() -> "never run");
    CountDownLatch waited = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread thread =
        new Thread(
            () -> {
              WaitGraph.exit(WaitGraph.enter(call, null));
              waited.countDown();
              awaitQuietly(done); // alive, its entry kept, waiting for nothing of ours
            },
            "waited-once");
    thread.start();
    try {
      assertTrue(waited.await(30, TimeUnit.SECONDS));
      assertEquals(List.of(), WaitGraph.waitingFor(call));
      Object wait = WaitGraph.enter(call, null);
      try {
        assertEquals(List.of(Thread.currentThread()), WaitGraph.waitingFor(call));
      } finally {
        WaitGraph.exit(wait);
      }
    } finally {
      done.countDown();
      thread.join();
    }
  }

  @Test
  void theEntriesOfThreadsThatEndedAreSweptOut() throws InterruptedException {
    int before = WaitGraph.entries();
    int threads = 1000;
    Call<Object> call = Call.of(() -> "never run");
    for (int batch = 0; batch < threads / 50; batch++) {
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Thread t = new Thread(() -> WaitGraph.exit(WaitGraph.enter(call, null)), "waits-once-" + i);
        started.add(t);
        t.start();
      }
      for (Thread t : started) {
        t.join();
      }
    }
    int added = WaitGraph.entries() - before;
    // A sweep comes after as many entries again as were left (at least 64): what is added between
    // two sweeps, never the thousand threads that ended.
    assertTrue(added < threads / 2, added + " entries added by " + threads + " ended threads");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

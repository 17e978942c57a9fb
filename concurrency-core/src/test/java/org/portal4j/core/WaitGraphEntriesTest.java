package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.spi.ThreadBoundPortal;

/**
 * The wait-for graph keeps a platform thread's entry between its waits, so that a wait that blocks
 * allocates no map node; it must still forget the threads that ended (a virtual thread's entry at
 * once), never take a thread whose wait ended for a blocked one, and leave no wait behind when
 * registering one fails.
 */
@Timeout(60)
class WaitGraphEntriesTest {

  @Test
  void aPlatformThreadThatWaitsAgainAllocatesNothingForIt() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Call<Object> call = Call.of(() -> "never run");
    WaitGraph.exit(WaitGraph.enter(call, null)); // the thread's first wait makes its entry
    int waits = 2_000;
    long fewest = Long.MAX_VALUE;
    // The fewest of five batches: a batch may help another thread's resize of the shared map, or
    // sweep, and allocate for that; not every batch does.
    for (int batch = 0; batch < 5; batch++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < waits; i++) {
        WaitGraph.exit(WaitGraph.enter(call, null));
      }
      fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
    }
    // A map node made anew per wait is 32 bytes.
    assertTrue(fewest < 8L * waits, fewest + " bytes for " + waits + " waits");
  }

  @Test
  void aVirtualThreadLeavesNoEntryOnceItsWaitEnds() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads are Java 21");
    Call<Object> call = Call.of(() -> "never run");
    AtomicReference<Object> during = new AtomicReference<>();
    Runnable waitOnce =
        () -> {
          Object wait = WaitGraph.enter(call, null);
          during.set(WaitGraph.waitingFor(call));
          WaitGraph.exit(wait);
        };
    Thread virtual =
        (Thread)
            Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, waitOnce);
    assertTrue(joined(virtual), "the virtual thread did not end");
    assertEquals(List.of(virtual), during.get());
    assertFalse(WaitGraph.hasEntry(virtual));
  }

  @Test
  void aThreadThatWaitedOnceIsNotTakenForTheBlockedThreadAPortalRunsOn() {
    Call<Object> call = Call.of(() -> "never run");
    WaitGraph.exit(WaitGraph.enter(call, null)); // this thread has an entry, not waiting
    ThreadBoundPortal portal = mock(ThreadBoundPortal.class); // no known thread: looks at waits
    when(portal.runsOnlyOn(Thread.currentThread())).thenReturn(true);
    when(portal.name()).thenReturn("bound-to-this-thread");
    // Taken for blocked, this thread would be the one to run the call: a deadlock refused.
    WaitGraph.checkBeforeQueueing(Call.of(() -> "queued"), portal);
  }

  @Test
  void aWaitWhoseLookForACycleThrowsIsNotLeftBehind() {
    ThreadBoundPortal portal = mock(ThreadBoundPortal.class);
    Error boom = new Error("runsOnlyOn failed");
    when(portal.runsOnlyOn(any())).thenReturn(false).thenThrow(boom); // fine, then broken
    when(portal.name()).thenReturn("broken");
    Call<Object> call = Call.of(() -> "queued");
    call.setRunner(portal);
    assertSame(boom, assertThrows(Error.class, () -> WaitGraph.enter(call, null)));
    assertEquals(List.of(), WaitGraph.waitingFor(call));
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

  private static boolean joined(Thread thread) throws InterruptedException {
    thread.join(TimeUnit.SECONDS.toMillis(30));
    return !thread.isAlive();
  }
}

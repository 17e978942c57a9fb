package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.DeadlockException;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md, Deadlocks: a blocking wait that would close a cycle of waits across threads fails fast
 * with a {@link DeadlockException} whose message shows the cycle, thread by thread and call by
 * call, and leaves the call it would have waited for alone. Whichever thread closes the cycle finds
 * it: the second waiter to block, or, in {@code FromSync}, the caller before it even queues its
 * call; so a test checks the cycle and that nothing was cancelled, not which side saw it. Made with
 * {@link Portals}, so the backend modules run the same shapes on virtual threads and Netty loops.
 * Each test must end far below its time limit: a hang is the bug.
 */
@CheckThreadLeaks
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlockCycleTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<WorkerPortal> portals = new ArrayList<>();
  private final List<CountDownLatch> latches = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    latches.forEach(CountDownLatch::countDown);
    for (WorkerPortal portal : portals) {
      portal.shutdown();
    }
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal + " did not terminate");
    }
  }

  private <P extends WorkerPortal> P track(P portal) {
    portals.add(portal);
    return portal;
  }

  private WorkerPortal worker(String name) {
    return track(Portals.newWorkerThread(PortalOptions.builder().name(unique(name)).build()));
  }

  private LoopPortal loop(String name) {
    return track(Portals.newEventLoopThread(PortalOptions.builder().name(unique(name)).build()));
  }

  private static String unique(String name) {
    return name + "-" + System.nanoTime();
  }

  /** The message names every thread and every call of the cycle. */
  private static void assertShowsTheCycle(DeadlockException e, String... namesInTheCycle) {
    String message = e.getMessage();
    assertTrue(message.startsWith("Deadlock"), message);
    for (String name : namesInTheCycle) {
      assertTrue(message.contains(name), "the message does not name " + name + ":\n" + message);
    }
  }

  /** The DeadlockException at the root of {@code failure} (it travels out through the calls). */
  private static DeadlockException deadlockIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DeadlockException) {
        return (DeadlockException) t;
      }
    }
    throw new AssertionError("no DeadlockException in " + failure, failure);
  }

  // ------------------------------------------------------------------ the shapes of issue 10

  /**
   * Shape 1, the most common: a sync helper called from loop code. A call on the global loop waits
   * for a new thread, whose call waits for a call on the global loop: that call could only run once
   * the loop's own call returns.
   */
  @Test
  void aLoopWaitingForANewThreadThatWaitsForTheLoopFailsFastShowingTheCycle() throws Exception {
    AtomicReference<Thread> newThread = new AtomicReference<>();
    Call<String> inner = Call.of("needs-the-loop", () -> "later");
    Call<String> helper =
        Call.of(
            "sync-helper",
            () -> {
              newThread.set(Thread.currentThread());
              return FromSync.callInLoopThread(inner);
            });
    Call<String> onTheLoop = Call.of("loop-code", () -> FromSync.callInNewThread(helper));
    Portals.globalLoop().submit(onTheLoop);

    DeadlockException e =
        deadlockIn(assertThrows(DeadlockException.class, () -> onTheLoop.result(WAIT)));
    assertShowsTheCycle(
        e,
        CoreRuntime.GLOBAL_LOOP_NAME,
        newThread.get().getName(),
        "sync-helper",
        "needs-the-loop");
    assertFalse(inner.isCancelled(), "the call is left alone: refused unqueued, or run later");
  }

  /** Shape 2: worker A calls into worker B, whose call calls back into A. */
  @Test
  void twoWorkersCallingIntoEachOtherFailFastShowingTheCycle() throws Exception {
    WorkerPortal a = worker("worker-a");
    WorkerPortal b = worker("worker-b");
    Call<String> backIntoA = Call.of("back-into-a", () -> "never");
    Call<String> onB = Call.of("on-b", () -> FromSync.callIn(a, backIntoA));
    Call<String> onA = a.submit(Call.of("on-a", () -> FromSync.callIn(b, onB)));

    DeadlockException e = deadlockIn(assertThrows(DeadlockException.class, () -> onA.result(WAIT)));
    assertShowsTheCycle(e, a.name(), b.name(), "on-b", "back-into-a");
    assertFalse(backIntoA.isCancelled(), "the call is left alone");
  }

  /**
   * Shape 2 again, on threads that waited before: a platform thread's wait-for entry stays between
   * its waits, marked not waiting, and that mark must neither hide its next wait nor pass for one.
   */
  @Test
  void twoWorkersWhoseThreadsWaitedBeforeStillFailFastShowingTheCycle() throws Exception {
    WorkerPortal a = worker("worker-a");
    WorkerPortal b = worker("worker-b");
    WorkerPortal helper = worker("helper");
    for (WorkerPortal w : List.of(a, b)) { // each thread waits once, and its wait ends
      Call<String> earlier = Call.of("earlier", () -> "done");
      assertEquals("done", w.submit(Call.of(() -> FromSync.callIn(helper, earlier))).result(WAIT));
    }
    Call<String> backIntoA = Call.of("back-into-a", () -> "never");
    Call<String> onB = Call.of("on-b", () -> FromSync.callIn(a, backIntoA));
    Call<String> onA = a.submit(Call.of("on-a", () -> FromSync.callIn(b, onB)));

    DeadlockException e = deadlockIn(assertThrows(DeadlockException.class, () -> onA.result(WAIT)));
    assertShowsTheCycle(e, a.name(), b.name(), "on-b", "back-into-a");
    assertFalse(backIntoA.isCancelled(), "the call is left alone");
  }

  /** Shape 3: loop A waits for a call on loop B, which waits for a call on loop A. */
  @Test
  void twoLoopsWaitingForEachOthersCallsFailFastShowingTheCycle() throws Exception {
    LoopPortal a = loop("loop-a");
    LoopPortal b = loop("loop-b");
    AtomicReference<Call<String>> onA2 = new AtomicReference<>();
    Call<String> onB =
        Call.of(
            "on-b",
            () -> {
              Call<String> queued = a.submit(Call.of("on-a-2", () -> "later"));
              onA2.set(queued);
              return queued.result();
            });
    Call<String> onA = a.submit(Call.of("on-a", () -> b.submit(onB).result()));

    DeadlockException e = deadlockIn(assertThrows(DeadlockException.class, () -> onA.result(WAIT)));
    assertShowsTheCycle(e, a.name(), b.name(), "on-b", "on-a-2");
    // Left alone, the call that would have closed the cycle runs once loop A is free again.
    assertEquals("later", onA2.get().result(WAIT));
  }

  /**
   * Shape 4: a callback sent to a waiter whose owner waits in a nested waiter runs from that nested
   * wait. Here the nested wait cannot end before the outer waiter's callback ran.
   */
  @Test
  void aCallbackForTheOuterWaiterRunsFromTheNestedWaitInsteadOfSittingThereForever()
      throws Exception {
    Thread me = Thread.currentThread();
    WorkerPortal outerWorker = worker("outer-worker");
    CompletableFuture<String> handedOver = new CompletableFuture<>();
    CountDownLatch nestedStarted = new CountDownLatch(1);
    latches.add(nestedStarted);
    Call<String> nested =
        Call.of(
            "nested",
            () -> {
              nestedStarted.countDown();
              return handedOver.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // needs the callback
            });
    Call<String> outer =
        Call.of(
            "outer",
            () -> {
              Waiter<?> home = Waiters.current().orElseThrow();
              Call<String> first = home.submit(Call.of(() -> FromSync.callInNewThread(nested)));
              assertTrue(nestedStarted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
              Call<Boolean> second =
                  home.submit(
                      Call.of(
                          () -> {
                            assertEquals(Thread.currentThread(), me);
                            return handedOver.complete("handed over from the outer waiter");
                          }));
              return first.result(WAIT) + " / " + second.result(WAIT);
            });
    SyncWaiter<String> waiter = Waiters.sync(outer);
    outerWorker.submit(outer);
    waiter.await();
    assertEquals("handed over from the outer waiter / true", outer.result());
  }

  // ------------------------------------------------------------------ more cycles

  @Test
  void threeWorkersInARingFailFastAndTheMessageListsEveryThread() throws Exception {
    WorkerPortal a = worker("ring-a");
    WorkerPortal b = worker("ring-b");
    WorkerPortal c = worker("ring-c");
    Call<String> backToA = Call.of("back-to-a", () -> "never");
    Call<String> onC = Call.of("on-c", () -> a.submit(backToA).result());
    Call<String> onB = Call.of("on-b", () -> c.submit(onC).result());
    Call<String> onA = a.submit(Call.of("on-a", () -> b.submit(onB).result()));

    DeadlockException e = deadlockIn(assertThrows(DeadlockException.class, () -> onA.result(WAIT)));
    assertShowsTheCycle(e, a.name(), b.name(), c.name(), "on-b", "on-c", "back-to-a");
    assertEquals("never", backToA.result(WAIT), "left alone, it ran once worker A was free");
  }

  @Test
  void theFutureViewOfACallMakesTheSameCycleCheck() throws Exception {
    WorkerPortal a = worker("view-a");
    WorkerPortal b = worker("view-b");
    Call<String> onB =
        Call.of("on-b", () -> a.submit(Call.of("on-a-2", () -> "x")).toCompletableFuture().join());
    Call<String> onA = a.submit(Call.of("on-a", () -> b.submit(onB).toCompletableFuture().get()));

    Throwable failure = assertThrows(Throwable.class, () -> onA.result(WAIT));
    assertShowsTheCycle(deadlockIn(failure), a.name(), b.name(), "on-b", "on-a-2");
  }

  @Test
  void waitingOnAnotherWorkerThatWaitsForSomethingElseIsNoDeadlock() throws Exception {
    WorkerPortal a = worker("chain-a");
    WorkerPortal b = worker("chain-b");
    WorkerPortal c = worker("chain-c");
    CountDownLatch release = new CountDownLatch(1);
    latches.add(release);
    Call<String> onC =
        c.submit(
            Call.of(
                "on-c",
                () -> {
                  release.await();
                  return "c";
                }));
    Call<String> onB = b.submit(Call.of("on-b", () -> onC.result() + "b"));
    Call<String> onA = a.submit(Call.of("on-a", () -> onB.result() + "a"));
    release.countDown();
    assertEquals("cba", onA.result(WAIT));
  }

  @Test
  void aWaitThatWouldCloseACycleStillFailsWhileTheOtherSideWaitsWithAPatience() throws Exception {
    WorkerPortal a = worker("patient-a");
    WorkerPortal b = worker("patient-b");
    Call<String> onB =
        Call.of("on-b", () -> a.submit(Call.of("on-a-2", () -> "x")).result(Duration.ofMinutes(5)));
    Call<String> onA = a.submit(Call.of("on-a", () -> b.submit(onB).result(Duration.ofMinutes(5))));

    DeadlockException e = deadlockIn(assertThrows(DeadlockException.class, () -> onA.result(WAIT)));
    assertInstanceOf(IllegalStateException.class, e);
    assertShowsTheCycle(e, a.name(), b.name());
  }
}

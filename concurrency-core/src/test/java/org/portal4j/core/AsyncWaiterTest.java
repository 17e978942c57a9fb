package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** AsyncWaiter: DESIGN.md "Waiters", the async lines, and the waiter lines as they apply to it. */
@CheckThreadLeaks
class AsyncWaiterTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<WorkerPortal> portals = new ArrayList<>();
  private final List<Runnable> releases = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    releases.forEach(Runnable::run);
    for (WorkerPortal portal : portals) {
      portal.shutdown();
    }
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal + " did not terminate");
    }
  }

  private WorkerPortal newWorker() {
    WorkerPortal worker = Portals.newWorkerThread();
    portals.add(worker);
    return worker;
  }

  private LoopPortal newLoop() {
    LoopPortal loop = Portals.newEventLoopThread();
    portals.add(loop);
    return loop;
  }

  private CountDownLatch newLatch() {
    CountDownLatch latch = new CountDownLatch(1);
    releases.add(latch::countDown);
    return latch;
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), "latch not reached in time");
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void awaitCondition(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not reached in time: " + what);
      }
      Thread.sleep(5); // polling a state with a deadline
    }
  }

  /** A parent call that sends one callback back to its waiter and returns the callback's result. */
  private static <T> Call<T> sendingBack(java.util.concurrent.Callable<T> callback) {
    return Call.of(
        "sends-back",
        () -> Waiters.current().orElseThrow().submit(Call.<T>of(callback)).result(WAIT));
  }

  // ------------------------------------------------------------------ where callbacks run

  @Test
  void callbacksRunOnTheGlobalLoopWhenTheCallerIsNotOnALoop() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> parent =
        sendingBack(() -> Thread.currentThread().getName() + "|" + Portals.inGlobalLoop());
    AsyncWaiter<String> waiter = Waiters.async(parent);
    assertSame(Thread.currentThread(), waiter.owner());
    assertSame(parent, waiter.call());
    worker.submit(parent);
    Call<String> done = get(waiter.awaitAsync());
    assertSame(parent, done);
    assertTrue(done.isDone());
    assertEquals(CoreRuntime.GLOBAL_LOOP_NAME + "|true", parent.result());
  }

  @Test
  void callbacksRunOnTheLoopOfTheThreadThatAwaits() throws Exception {
    WorkerPortal worker = newWorker();
    LoopPortal loop = newLoop();
    Thread loopThread = loop.submit(Thread::currentThread).result(WAIT);
    Call<Thread> parent = sendingBack(Thread::currentThread);
    CompletionStage<Call<Thread>> waited =
        loop.submit(
                Call.of(
                    () -> {
                      AsyncWaiter<Thread> waiter = Waiters.async(parent);
                      worker.submit(parent);
                      return waiter.awaitAsync();
                    }))
            .result(WAIT);
    assertSame(loopThread, get(waited).result(), "the callback ran on the awaiting loop's thread");
  }

  @Test
  void waitersCurrentInsideTheCallIsItsAsyncWaiter() throws Exception {
    WorkerPortal worker = newWorker();
    AtomicReference<Optional<Waiter<?>>> seen = new AtomicReference<>();
    Call<String> parent =
        Call.of(
            () -> {
              seen.set(Waiters.current());
              return "x";
            });
    AsyncWaiter<String> waiter = Waiters.async(parent);
    assertSame(waiter, Waiters.of(parent).orElseThrow());
    worker.submit(parent);
    get(waiter.awaitAsync());
    assertSame(waiter, seen.get().orElseThrow());
  }

  // ------------------------------------------------------------------ early submissions

  @Test
  void callbacksSubmittedBeforeAwaitAsyncAreKeptAndRunOnceItIsCalled() throws Exception {
    WorkerPortal worker = newWorker();
    AtomicBoolean awaited = new AtomicBoolean();
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Call<?>> callbacks = new CopyOnWriteArrayList<>();
    Call<String> parent =
        Call.of(
            () -> {
              Waiter<?> waiter = Waiters.current().orElseThrow();
              for (int i = 1; i <= 3; i++) {
                int id = i;
                callbacks.add(
                    waiter.submit(
                        Call.of(
                            () ->
                                ran.add(
                                    "cb"
                                        + id
                                        + (awaited.get() ? " after" : " BEFORE")
                                        + " awaitAsync"))));
              }
              return "parent";
            });
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    assertEquals("parent", parent.result(WAIT));
    assertEquals(List.of(), ran, "callbacks ran before awaitAsync()");
    for (Call<?> callback : callbacks) {
      assertFalse(callback.isDone(), "kept callbacks are still pending");
    }
    waiter.addDoneCallback(Call.of(() -> ran.add("done callback")));
    awaited.set(true);
    get(waiter.awaitAsync());
    assertEquals(
        List.of(
            "cb1 after awaitAsync",
            "cb2 after awaitAsync",
            "cb3 after awaitAsync",
            "done callback"),
        ran);
  }

  // ------------------------------------------------------------------ done callbacks

  @Test
  void doneCallbacksRunAfterASuccessfulCallBeforeTheStageCompletes() throws Exception {
    assertDoneCallbacksRunAfter(Call.of(() -> "ok"), false);
  }

  @Test
  void doneCallbacksRunAfterAFailedCall() throws Exception {
    assertDoneCallbacksRunAfter(
        Call.of(
            () -> {
              throw new IllegalArgumentException("failed");
            }),
        false);
  }

  @Test
  void doneCallbacksRunAfterACancelledCall() throws Exception {
    CountDownLatch never = newLatch();
    assertDoneCallbacksRunAfter(
        Call.of(
            () -> {
              never.await();
              return "unreachable";
            }),
        true);
  }

  private void assertDoneCallbacksRunAfter(Call<String> parent, boolean cancel) throws Exception {
    WorkerPortal worker = newWorker();
    List<String> events = new CopyOnWriteArrayList<>();
    AsyncWaiter<String> waiter = Waiters.async(parent);
    waiter.addDoneCallback(
        Call.of(
            () -> {
              events.add(
                  "done-1 parentDone="
                      + parent.isDone()
                      + " onGlobalLoop="
                      + Portals.inGlobalLoop());
              return null;
            }));
    waiter.addDoneCallback(Call.of(() -> events.add("done-2")));
    worker.submit(parent);
    CompletionStage<Call<String>> stage = waiter.awaitAsync();
    if (cancel) {
      awaitCondition(parent::isRunning, "parent running");
      assertTrue(parent.cancel());
    }
    CompletableFuture<Call<String>> completed = stage.toCompletableFuture();
    Call<String> done =
        get(
            stage.thenApply(
                c -> {
                  events.add("stage completed");
                  return c;
                }));
    assertSame(parent, done);
    assertTrue(completed.isDone());
    assertEquals(
        List.of("done-1 parentDone=true onGlobalLoop=true", "done-2", "stage completed"), events);
    assertEquals(cancel, parent.isCancelled());
  }

  @Test
  void asyncDoneCallbacksCompleteBeforeTheStageDoes() throws Exception {
    WorkerPortal worker = newWorker();
    CompletableFuture<String> doneCallbackStage = new CompletableFuture<>();
    releases.add(() -> doneCallbackStage.complete("released"));
    CountDownLatch doneCallbackStarted = new CountDownLatch(1);
    Call<String> parent = Call.of(() -> "p");
    AsyncWaiter<String> waiter = Waiters.async(parent);
    waiter.addDoneCallback(
        Call.ofAsync(
            () -> {
              doneCallbackStarted.countDown();
              return doneCallbackStage;
            }));
    worker.submit(parent);
    CompletableFuture<Call<String>> stage = waiter.awaitAsync().toCompletableFuture();
    await(doneCallbackStarted);
    assertFalse(stage.isDone(), "waiting ended before an async done callback finished");
    doneCallbackStage.complete("finished");
    assertSame(parent, get(stage));
  }

  // ------------------------------------------------------------------ never blocking

  @Test
  void awaitAsyncReturnsAtOnceWhileTheCallIsStillRunning() throws Exception {
    WorkerPortal worker = newWorker();
    CountDownLatch release = newLatch();
    Call<String> parent =
        Call.of(
            () -> {
              release.await();
              return "late";
            });
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    CompletableFuture<Call<String>> stage = waiter.awaitAsync().toCompletableFuture();
    assertFalse(stage.isDone(), "awaitAsync() waited for the call");
    assertFalse(parent.isDone());
    release.countDown();
    assertEquals("late", get(stage).result());
  }

  @Test
  void awaitAsyncOnALoopThreadLeavesTheLoopFree() throws Exception {
    WorkerPortal worker = newWorker();
    LoopPortal loop = newLoop();
    CountDownLatch release = newLatch();
    Call<String> parent =
        Call.of(
            () -> {
              release.await();
              return "late";
            });
    CompletionStage<Call<String>> stage =
        loop.submit(
                Call.of(
                    () -> {
                      AsyncWaiter<String> waiter = Waiters.async(parent);
                      worker.submit(parent);
                      return waiter.awaitAsync();
                    }))
            .result(WAIT);
    assertEquals("free", loop.submit(() -> "free").result(WAIT), "the loop is not blocked");
    assertFalse(stage.toCompletableFuture().isDone());
    release.countDown();
    assertEquals("late", get(stage).result());
  }

  // ------------------------------------------------------------------ bad use

  @Test
  void awaitAsyncTwiceThrowsIllegalStateException() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> parent = Call.of(() -> "x");
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    CompletionStage<Call<String>> first = waiter.awaitAsync();
    assertThrows(IllegalStateException.class, waiter::awaitAsync);
    assertSame(parent, get(first));
    assertThrows(IllegalStateException.class, waiter::awaitAsync, "also once waiting has ended");
  }

  @Test
  void addingADoneCallbackAfterWaitingEndedThrowsIllegalStateException() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> parent = Call.of(() -> "x");
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    get(waiter.awaitAsync());
    Call<Object> late = Call.of(() -> "late");
    assertThrows(IllegalStateException.class, () -> waiter.addDoneCallback(late));
    assertFalse(late.isDone(), "the rejected callback did not run");
    assertThrows(NullPointerException.class, () -> waiter.addDoneCallback(null));
  }

  @Test
  void aDoneCallbackAddedAfterTheCallIsDoneButBeforeWaitingEndedStillRuns() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> parent = Call.of(() -> "x");
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    parent.result(WAIT);
    Call<String> doneCallback = Call.of(() -> "ran");
    waiter.addDoneCallback(doneCallback);
    get(waiter.awaitAsync());
    assertEquals("ran", doneCallback.result(WAIT));
  }

  @Test
  void submittingToAWaiterWhoseCallIsDoneThrowsIllegalStateException() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> parent = Call.of(() -> "x");
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    parent.result(WAIT);
    Call<String> callback = Call.of(() -> "never");
    assertThrows(IllegalStateException.class, () -> waiter.submit(callback));
    get(waiter.awaitAsync());
    assertFalse(callback.isDone());
  }

  @Test
  void aCallCanHaveOnlyOneWaiter() {
    Call<String> parent = Call.of(() -> "x");
    Waiters.async(parent);
    assertThrows(IllegalStateException.class, () -> Waiters.async(parent));
    assertThrows(IllegalStateException.class, () -> Waiters.sync(parent));
    parent.cancel(); // never awaited: the waiter goes away with its call
  }

  // ------------------------------------------------------------------ cancelling

  @Test
  void cancellingTheCallCancelsCallbacksKeptBeforeAwaitAsync() throws Exception {
    WorkerPortal worker = newWorker();
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch never = newLatch();
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Call<?>> callbacks = new CopyOnWriteArrayList<>();
    Call<String> parent =
        Call.of(
            () -> {
              Waiter<?> waiter = Waiters.current().orElseThrow();
              callbacks.add(waiter.submit(Call.of(() -> ran.add("cb1"))));
              callbacks.add(waiter.submit(Call.of(() -> ran.add("cb2"))));
              sent.countDown();
              never.await();
              return "unreachable";
            });
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    await(sent);
    assertTrue(parent.cancel());
    for (Call<?> callback : callbacks) {
      assertTrue(callback.isCancelled(), callback + " was not cancelled with its call");
    }
    assertSame(parent, get(waiter.awaitAsync()));
    assertEquals(List.of(), ran, "cancelled callbacks ran");
    assertThrows(CallCancelledException.class, parent::result);
  }

  @Test
  void cancellingTheCallCancelsCallbacksQueuedOnTheLoopAndRunningAsyncOnes() throws Exception {
    WorkerPortal worker = newWorker();
    LoopPortal loop = newLoop();
    CountDownLatch never = newLatch();
    CountDownLatch asyncCallbackRunning = new CountDownLatch(1);
    CompletableFuture<String> asyncCallbackStage = new CompletableFuture<>();
    releases.add(() -> asyncCallbackStage.complete("released"));
    AtomicReference<Call<?>> asyncCallback = new AtomicReference<>();
    AtomicReference<Call<?>> queuedCallback = new AtomicReference<>();
    CountDownLatch queued = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch loopBlocked = new CountDownLatch(1);
    CountDownLatch unblockLoop = newLatch();

    Call<String> parent =
        Call.of(
            () -> {
              Waiter<?> waiter = Waiters.current().orElseThrow();
              asyncCallback.set(
                  waiter.submit(
                      Call.ofAsync(
                          () -> {
                            asyncCallbackRunning.countDown();
                            return asyncCallbackStage;
                          })));
              assertTrue(asyncCallbackRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS));
              assertTrue(loopBlocked.await(WAIT.toSeconds(), TimeUnit.SECONDS));
              queuedCallback.set(waiter.submit(Call.of(() -> ran.add("queued callback"))));
              queued.countDown();
              never.await();
              return "unreachable";
            });
    CompletionStage<Call<String>> stage =
        loop.submit(
                Call.of(
                    () -> {
                      AsyncWaiter<String> waiter = Waiters.async(parent);
                      worker.submit(parent);
                      return waiter.awaitAsync();
                    }))
            .result(WAIT);
    await(asyncCallbackRunning);
    // Hold the loop so that the next callback stays queued on it.
    loop.execute(
        () -> {
          loopBlocked.countDown();
          try {
            unblockLoop.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    await(queued);
    assertTrue(parent.cancel());
    assertTrue(queuedCallback.get().isCancelled(), "a callback queued on the loop is cancelled");
    assertTrue(asyncCallback.get().isCancelled(), "a running async callback is cancelled");
    assertTrue(asyncCallbackStage.isCancelled(), "and its stage with it");
    unblockLoop.countDown();
    assertSame(parent, get(stage));
    assertEquals(List.of(), ran, "the cancelled queued callback ran");
  }

  @Test
  void waitingStillEndsWhenTheAwaitingLoopHasTerminatedMeanwhile() throws Exception {
    WorkerPortal worker = newWorker();
    LoopPortal loop = newLoop();
    CountDownLatch release = newLatch();
    Call<String> parent =
        Call.of(
            () -> {
              release.await();
              return "after the loop";
            });
    Call<String> doneCallback = Call.of(() -> "done callback ran");
    CompletionStage<Call<String>> stage =
        loop.submit(
                Call.of(
                    () -> {
                      AsyncWaiter<String> waiter = Waiters.async(parent);
                      waiter.addDoneCallback(doneCallback);
                      worker.submit(parent);
                      return waiter.awaitAsync();
                    }))
            .result(WAIT);
    loop.shutdown();
    assertTrue(loop.awaitTermination(WAIT));
    release.countDown();
    assertEquals("after the loop", get(stage).result());
    assertEquals("done callback ran", doneCallback.result(WAIT));
  }

  // ------------------------------------------------------------------ order and registration

  @Test
  void callbacksRunInSubmissionOrderAndAsyncOnesCompleteBeforeWaitingEnds() throws Exception {
    WorkerPortal worker = newWorker();
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<String> slow = new CompletableFuture<>();
    releases.add(() -> slow.complete("released"));
    CountDownLatch lastSyncRan = new CountDownLatch(1);
    Call<String> parent =
        Call.of(
            () -> {
              Waiter<?> waiter = Waiters.current().orElseThrow();
              waiter.submit(
                  Call.ofAsync(
                      () -> {
                        order.add("async-1 started");
                        return slow.thenApply(
                            v -> {
                              order.add("async-1 finished");
                              return v;
                            });
                      }));
              for (int i = 2; i <= 5; i++) {
                int id = i;
                waiter.submit(
                    Call.of(
                        () -> {
                          order.add("sync-" + id);
                          if (id == 5) {
                            lastSyncRan.countDown();
                          }
                          return null;
                        }));
              }
              return "parent";
            });
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    CompletableFuture<Call<String>> stage = waiter.awaitAsync().toCompletableFuture();
    parent.result(WAIT);
    // The sync callbacks run on the loop while the async one is still pending.
    await(lastSyncRan);
    assertFalse(stage.isDone(), "waiting ended before an async callback completed");
    slow.complete("now");
    get(stage);
    assertEquals(
        List.of("async-1 started", "sync-2", "sync-3", "sync-4", "sync-5", "async-1 finished"),
        order);
  }

  @Test
  void aWaiterIsRegisteredForItsOwnerUntilWaitingEnds() throws Exception {
    WorkerPortal worker = newWorker();
    CountDownLatch release = newLatch();
    Call<String> parent =
        Call.of(
            () -> {
              release.await();
              return "x";
            });
    Thread me = Thread.currentThread();
    AsyncWaiter<String> waiter = Waiters.async(parent);
    assertTrue(Waiters.forThread(me).contains(waiter));
    assertSame(
        waiter, Waiters.forThread(me).get(Waiters.forThread(me).size() - 1), "innermost last");
    assertSame(waiter, Waiters.of(parent).orElseThrow());
    worker.submit(parent);
    CompletionStage<Call<String>> stage = waiter.awaitAsync();
    assertTrue(Waiters.forThread(me).contains(waiter), "still registered while waiting");
    release.countDown();
    get(stage);
    assertFalse(Waiters.forThread(me).contains(waiter), "removed once waiting ended");
    assertEquals(Optional.empty(), Waiters.of(parent));
  }

  @Test
  void aWaiterThatIsNeverAwaitedIsRemovedWhenItsCallIsDone() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> parent = Call.of(() -> "x");
    AsyncWaiter<String> waiter = Waiters.async(parent);
    worker.submit(parent);
    parent.result(WAIT);
    Thread me = Thread.currentThread();
    awaitCondition(() -> !Waiters.forThread(me).contains(waiter), "waiter removed from its owner");
    awaitCondition(() -> Waiters.of(parent).isEmpty(), "waiter removed from its call");
  }
}

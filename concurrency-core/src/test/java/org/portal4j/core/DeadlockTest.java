package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Deadlocks are bugs": FromSync.callInLoopThread on the loop's own thread runs the call
 * inline; any other blocking wait that could only finish on the current thread fails fast with an
 * IllegalStateException naming the call and the thread. Every test has a hard time limit so that a
 * regression fails instead of hanging the build.
 */
@CheckThreadLeaks
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlockTest {

  private static final Duration WAIT = Duration.ofSeconds(8);

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

  private LoopPortal newLoop() {
    LoopPortal loop = Portals.newEventLoopThread();
    portals.add(loop);
    return loop;
  }

  private WorkerPortal newWorker() {
    WorkerPortal worker = Portals.newWorkerThread();
    portals.add(worker);
    return worker;
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), "latch not reached in time");
  }

  /**
   * Runs {@code wait} on {@code portal}'s thread and returns the IllegalStateException it threw,
   * checking that its message names {@code call} and that thread.
   */
  private static IllegalStateException failsFastOn(
      WorkerPortal portal, Call<?> call, Callable<?> wait) throws Exception {
    AtomicReference<String> threadName = new AtomicReference<>();
    Call<Object> waiting =
        portal.submit(
            Call.of(
                () -> {
                  threadName.set(Thread.currentThread().getName());
                  return wait.call();
                }));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> waiting.result(WAIT));
    assertNames(e, call, threadName.get());
    return e;
  }

  private static void assertNames(IllegalStateException e, Call<?> call, String threadName) {
    String message = String.valueOf(e.getMessage());
    assertTrue(message.contains(call.name()), "message does not name the call: " + message);
    assertTrue(message.contains(threadName), "message does not name the thread: " + message);
  }

  // ------------------------------------------------------------------ inline instead of waiting

  @Test
  void callInLoopThreadOnTheGlobalLoopsOwnThreadRunsInline() throws Exception {
    LoopPortal global = Portals.globalLoop();
    Thread globalThread = global.submit(Thread::currentThread).result(WAIT);
    Thread ranOn =
        global
            .submit(
                Call.of(
                    () ->
                        FromSync.callInLoopThread(
                            () -> FromSync.callInLoopThread(Thread::currentThread))))
            .result(WAIT);
    assertSame(globalThread, ranOn);
  }

  @Test
  void waitingForACallOnAnyLoopFromThatLoopsThreadRunsInline() throws Exception {
    LoopPortal loop = newLoop();
    Thread loopThread = loop.submit(Thread::currentThread).result(WAIT);
    assertSame(
        loopThread,
        loop.submit(Call.of(() -> FromSync.callIn(loop, Thread::currentThread))).result(WAIT));
    // An async call whose stage is already complete finishes inline as well.
    assertEquals(
        "ready",
        loop.submit(
                Call.of(
                    () ->
                        FromSync.callIn(
                            loop, Call.ofAsync(() -> CompletableFuture.completedFuture("ready")))))
            .result(WAIT));
  }

  @Test
  void callInLoopThreadOfAPendingAsyncCallOnTheLoopsOwnThreadFailsFastAndCancelsIt()
      throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    releases.add(() -> never.complete("released"));
    Call<String> async = Call.ofAsync("pending-async", () -> never);
    LoopPortal global = Portals.globalLoop();
    IllegalStateException e = failsFastOn(global, async, () -> FromSync.callInLoopThread(async));
    assertTrue(async.isCancelled());
    assertTrue(never.isCancelled());
    assertTrue(e.getMessage().contains(CoreRuntime.GLOBAL_LOOP_NAME));
  }

  // ------------------------------------------------------------------ the runner is this thread

  @Test
  void callResultOnTheLoopThreadForACallQueuedToTheSameLoopFailsFast() throws Exception {
    LoopPortal loop = newLoop();
    Call<String> queued = Call.of("queued-on-loop", () -> "ran later");
    failsFastOn(
        loop,
        queued,
        () -> {
          loop.submit(queued);
          return queued.result();
        });
    assertEquals("ran later", queued.result(WAIT), "result() leaves the call alone");
  }

  @Test
  void timedCallResultFailsFastInsteadOfTimingOut() throws Exception {
    LoopPortal loop = newLoop();
    Call<String> queued = Call.of("queued-timed", () -> "x");
    long start = System.nanoTime();
    failsFastOn(
        loop,
        queued,
        () -> {
          loop.submit(queued);
          return queued.result(Duration.ofSeconds(30));
        });
    assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 5, "did not fail fast");
  }

  @Test
  void callResultOnAWorkerThreadForACallQueuedToTheSameWorkerFailsFast() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> queued = Call.of("queued-on-worker", () -> "ran later");
    failsFastOn(
        worker,
        queued,
        () -> {
          worker.submit(queued);
          return queued.result();
        });
    assertEquals("ran later", queued.result(WAIT));
  }

  @Test
  void fromSyncCallInTheWorkersOwnPortalFailsFast() throws Exception {
    WorkerPortal worker = newWorker();
    Call<String> inner = Call.of("inner-on-own-worker", () -> "inner");
    failsFastOn(worker, inner, () -> FromSync.callIn(worker, inner));
  }

  @Test
  void aDeadlockedFromSyncCallIsNeitherQueuedNorTouched() throws Exception {
    WorkerPortal worker = newWorker();
    AtomicBoolean innerRan = new AtomicBoolean();
    Call<String> inner =
        Call.of(
            "orphan",
            () -> {
              innerRan.set(true);
              return "inner";
            });
    failsFastOn(worker, inner, () -> FromSync.callIn(worker, inner));
    worker.submit(() -> "marker").result(WAIT); // FIFO: anything queued before it has run now
    assertFalse(innerRan.get(), "the call that FromSync refused to wait for ran anyway");
    assertFalse(inner.isDone(), "the refused call is left alone: the caller decides");
    assertTrue(inner.runner().isEmpty(), "the refused call was never submitted");
  }

  @Test
  void syncWaiterAwaitOnTheLoopThreadForACallSubmittedToThatLoopFailsFast() throws Exception {
    LoopPortal loop = newLoop();
    Call<String> call = Call.of("awaited-on-own-loop", () -> "x");
    failsFastOn(
        loop,
        call,
        () -> {
          SyncWaiter<String> waiter = Waiters.sync(call);
          loop.submit(call);
          return waiter.await();
        });
    assertEquals("x", call.result(WAIT));
  }

  @Test
  void callResultOfItsOwnCallFromInsideTheBodyFailsFast() throws Exception {
    WorkerPortal worker = newWorker();
    AtomicReference<Call<?>> self = new AtomicReference<>();
    CountDownLatch known = new CountDownLatch(1);
    Call<Object> call =
        Call.of(
            "waits-for-itself",
            () -> {
              await(known);
              return self.get().result();
            });
    self.set(call);
    known.countDown();
    worker.submit(call);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> call.result(WAIT));
    assertTrue(e.getMessage().contains("waits-for-itself"), e.getMessage());
  }

  // ------------------------------------------------------------------ queued to a waiter of this
  // thread

  @Test
  void resultOfACallbackQueuedToAWaiterOfThisThreadFailsFast() throws Exception {
    WorkerPortal worker = newWorker();
    AtomicReference<Call<String>> callback = new AtomicReference<>();
    CountDownLatch sent = new CountDownLatch(1);
    Call<String> parent =
        Call.of(
            () -> {
              Call<String> cb =
                  Waiters.current().orElseThrow().submit(Call.of("queued-callback", () -> "cb"));
              callback.set(cb);
              sent.countDown();
              return cb.result(WAIT); // the worker may wait: the callback does not run on it
            });
    SyncWaiter<String> waiter = Waiters.sync(parent);
    worker.submit(parent);
    await(sent);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> callback.get().result());
    assertNames(e, callback.get(), Thread.currentThread().getName());
    assertSame(parent, waiter.await());
    assertEquals("cb", parent.result());
  }

  @Test
  void aCallbackWaitingForALaterCallbackOfTheSameWaiterFailsFast() throws Exception {
    WorkerPortal worker = newWorker();
    AtomicReference<Call<String>> second = new AtomicReference<>();
    CountDownLatch secondSent = new CountDownLatch(1);
    AtomicReference<Throwable> seenByFirst = new AtomicReference<>();
    Call<String> parent =
        Call.of(
            () -> {
              Waiter<?> waiter = Waiters.current().orElseThrow();
              Call<String> first =
                  waiter.submit(
                      Call.of(
                          () -> {
                            await(secondSent);
                            try {
                              return second.get().result();
                            } catch (IllegalStateException e) {
                              seenByFirst.set(e);
                              return "failed fast";
                            }
                          }));
              second.set(waiter.submit(Call.of("second-callback", () -> "second")));
              secondSent.countDown();
              return first.result(WAIT) + "/" + second.get().result(WAIT);
            });
    SyncWaiter<String> waiter = Waiters.sync(parent);
    worker.submit(parent);
    waiter.await();
    assertEquals("failed fast/second", parent.result());
    assertNames(
        (IllegalStateException) seenByFirst.get(), second.get(), Thread.currentThread().getName());
  }

  @Test
  void resultOfACallbackQueuedToAnAsyncWaiterOnThisLoopFailsFast() throws Exception {
    WorkerPortal worker = newWorker();
    LoopPortal global = Portals.globalLoop();
    CountDownLatch loopHeld = new CountDownLatch(1);
    CountDownLatch sent = new CountDownLatch(1);
    AtomicReference<Call<String>> callback = new AtomicReference<>();
    Call<String> parent =
        Call.of(
            () -> {
              await(loopHeld);
              Call<String> cb =
                  Waiters.current().orElseThrow().submit(Call.of("loop-callback", () -> "cb"));
              callback.set(cb);
              sent.countDown();
              return cb.result(WAIT);
            });
    AsyncWaiter<String> waiter = Waiters.async(parent);
    CompletableFuture<Call<String>> waited =
        waiter.awaitAsync().toCompletableFuture(); // global loop
    // On the global loop: wait until the callback is queued behind us, then ask for its result.
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    AtomicReference<String> loopThreadName = new AtomicReference<>();
    global.execute(
        () -> {
          loopThreadName.set(Thread.currentThread().getName());
          loopHeld.countDown();
          try {
            await(sent);
            callback.get().result();
            outcome.complete(null);
          } catch (Throwable t) {
            outcome.complete(t);
          }
        });
    worker.submit(parent);
    Throwable thrown = outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(
        thrown instanceof IllegalStateException, "expected IllegalStateException, got " + thrown);
    assertNames((IllegalStateException) thrown, callback.get(), loopThreadName.get());
    assertSame(parent, waited.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals("cb", parent.result());
  }

  // ------------------------------------------------------------------ no false alarms

  @Test
  void aLoopWaitingForANewThreadRunsTheCallbacksItSendsBack() throws Exception {
    LoopPortal loop = newLoop();
    Thread loopThread = loop.submit(Thread::currentThread).result(WAIT);
    Thread callbackThread =
        loop.submit(
                Call.of(
                    () ->
                        FromSync.callInNewThread(
                            () ->
                                Waiters.current()
                                    .orElseThrow()
                                    .submit(Call.of(Thread::currentThread))
                                    .result(WAIT))))
            .result(WAIT);
    assertSame(loopThread, callbackThread);
  }

  @Test
  void callInLoopThreadInsideACallbackRunningOnTheGlobalLoopRunsInline() throws Exception {
    WorkerPortal worker = newWorker();
    Call<Boolean> parent =
        Call.of(
            () ->
                Waiters.current()
                    .orElseThrow()
                    .submit(Call.of(() -> FromSync.callInLoopThread(Portals::inGlobalLoop)))
                    .result(WAIT));
    AsyncWaiter<Boolean> waiter = Waiters.async(parent);
    worker.submit(parent);
    waiter.awaitAsync().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertTrue(parent.result());
  }

  @Test
  void waitingOnALoopThreadForACallOnAWorkerIsNotADeadlock() throws Exception {
    LoopPortal loop = newLoop();
    WorkerPortal worker = newWorker();
    assertEquals(
        "fine", loop.submit(Call.of(() -> worker.submit(() -> "fine").result(WAIT))).result(WAIT));
  }

  @Test
  void resultOfAnInFlightAsyncCallOnTheSameLoopFailsFast() throws Exception {
    LoopPortal loop = newLoop();
    Call<String> inFlight =
        Call.ofAsync(
            "completed-by-the-loop",
            () -> {
              CompletableFuture<String> stage = new CompletableFuture<>();
              loop.execute(() -> stage.complete("done")); // only the loop can complete it
              return stage;
            });
    AtomicReference<String> threadName = new AtomicReference<>();
    Call<Object> blocked =
        Call.of(
            () -> {
              threadName.set(Thread.currentThread().getName());
              try {
                return inFlight.result(Duration.ofSeconds(3)); // bounded so the test can end
              } catch (TimeoutException e) {
                return "hung until timeout";
              }
            });
    // Queue order on the loop: inFlight's function, then blocked, then (queued by the function)
    // the task that completes inFlight's stage. blocked therefore waits, on the loop's own
    // thread, for a call whose runner is this loop and that only this loop can finish.
    loop.submit(
            Call.of(
                () -> {
                  loop.submit(inFlight);
                  loop.submit(blocked);
                  return null;
                }))
        .result(WAIT);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> blocked.result(WAIT));
    assertNames(e, inFlight, threadName.get());
    assertEquals("done", inFlight.result(WAIT));
  }
}

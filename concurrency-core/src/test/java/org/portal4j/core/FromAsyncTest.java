package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromAsync;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * FromAsync: the non-blocking entry points. No method blocks its caller; futures complete with the
 * call's result or original throwable; cancelling the future cancels the call.
 */
@CheckThreadLeaks
class FromAsyncTest {

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

  private CountDownLatch newLatch() {
    CountDownLatch latch = new CountDownLatch(1);
    releases.add(latch::countDown);
    return latch;
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), "latch not reached in time");
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The throwable the future completed with, unwrapped by nothing. */
  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    return get(future.handle((value, error) -> error));
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

  // ------------------------------------------------------------------ never blocking

  @Test
  void callInNewThreadFromALoopLeavesTheLoopRunningOtherWork() throws Exception {
    LoopPortal loop = newLoop();
    CountDownLatch bodyStarted = new CountDownLatch(1);
    CountDownLatch release = newLatch();
    AtomicReference<Thread> bodyThread = new AtomicReference<>();
    CompletableFuture<String> pending =
        loop.submit(
                Call.of(
                    () ->
                        FromAsync.callInNewThread(
                            () -> {
                              bodyThread.set(Thread.currentThread());
                              bodyStarted.countDown();
                              release.await();
                              return "slow";
                            })))
            .result(WAIT);
    await(bodyStarted);
    // The loop is free: another call on it completes while the first is still pending.
    assertEquals("other", loop.submit(() -> "other").result(WAIT));
    assertFalse(pending.isDone());
    release.countDown();
    assertEquals("slow", get(pending));
    // A run-once worker: nothing it started outlives the call.
    bodyThread.get().join(WAIT.toMillis());
    assertFalse(bodyThread.get().isAlive());
    assertTrue(bodyThread.get().getName().matches("WorkerThread-\\d+"), bodyThread.get().getName());
  }

  @Test
  void everyWaitingMethodCalledOnALoopReturnsAtOnce() throws Exception {
    LoopPortal loop = newLoop();
    WorkerPortal worker = newWorker();
    CountDownLatch release = newLatch();
    Callable<String> blocked =
        () -> {
          release.await();
          return "released";
        };
    List<Function<Callable<String>, CompletableFuture<String>>> methods =
        List.of(
            fn -> FromAsync.callInNewThread(fn),
            fn -> FromAsync.waitForCallInNewThread(fn),
            fn -> FromAsync.callInLoopThread(fn),
            fn -> FromAsync.waitForCallInLoopThread(fn),
            fn -> FromAsync.callIn(worker, fn),
            fn -> FromAsync.waitForCallIn(worker, fn, null, List.of()));
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (Function<Callable<String>, CompletableFuture<String>> method : methods) {
      futures.add(loop.submit(Call.of(() -> method.apply(blocked))).result(WAIT));
      assertEquals("free", loop.submit(() -> "free").result(WAIT));
    }
    for (CompletableFuture<String> future : futures) {
      assertFalse(future.isDone());
    }
    release.countDown();
    for (CompletableFuture<String> future : futures) {
      assertEquals("released", get(future));
    }
  }

  @Test
  void callInLoopThreadCalledOnTheGlobalLoopItselfDoesNotBlockIt() throws Exception {
    LoopPortal global = Portals.globalLoop();
    Thread globalThread = global.submit(Thread::currentThread).result(WAIT);
    AtomicBoolean doneAtReturn = new AtomicBoolean(true);
    CompletableFuture<Thread> future =
        global
            .submit(
                Call.of(
                    () -> {
                      CompletableFuture<Thread> f =
                          FromAsync.callInLoopThread(Thread::currentThread);
                      doneAtReturn.set(f.isDone());
                      return f;
                    }))
            .result(WAIT);
    assertFalse(doneAtReturn.get(), "the call cannot have run while the loop was busy returning");
    assertSame(globalThread, get(future));
  }

  // ------------------------------------------------------------------ where calls run

  @Test
  void callInLoopThreadRunsTheCallOnTheGlobalLoop() throws Exception {
    assertEquals(
        CoreRuntime.GLOBAL_LOOP_NAME,
        get(FromAsync.callInLoopThread(() -> Thread.currentThread().getName())));
    assertTrue(get(FromAsync.waitForCallInLoopThread(Call.of(Portals::inGlobalLoop))));
    Call<Boolean> soon = FromAsync.callSoonInLoopThread(Call.of(Portals::inGlobalLoop));
    assertTrue(soon.result(WAIT));
    assertSame(Portals.globalLoop(), soon.runner().orElseThrow());
  }

  @Test
  void callSoonReturnsTheSubmittedCallAtOnce() throws Exception {
    CountDownLatch release = newLatch();
    Call<String> onThread =
        Call.of(
            () -> {
              release.await();
              return Thread.currentThread().getName();
            });
    assertSame(onThread, FromAsync.callSoonInNewThread(onThread));
    assertTrue(onThread.runner().isPresent(), "submitted");
    assertFalse(onThread.isDone());
    CompletableFuture<String> stage = new CompletableFuture<>();
    releases.add(() -> stage.complete("released"));
    Call<String> onLoop = Call.ofAsync(() -> stage);
    assertSame(onLoop, FromAsync.callSoonInLoopThread(onLoop, Duration.ofSeconds(30)));
    assertEquals(Optional.of(Duration.ofSeconds(30)), onLoop.timeout());
    assertFalse(onLoop.isDone());
    release.countDown();
    stage.complete("loop");
    assertTrue(onThread.result(WAIT).matches("WorkerThread-\\d+"));
    assertEquals("loop", onLoop.result(WAIT));
    Call<Integer> soonFn = FromAsync.callSoonInNewThread(() -> 5, Duration.ofSeconds(30));
    assertEquals(5, soonFn.result(WAIT));
    assertEquals(6, FromAsync.callSoonInLoopThread(() -> 6).result(WAIT));
  }

  @Test
  void callInAnyPortalRunsTheCallThere() throws Exception {
    WorkerPortal worker = newWorker();
    Thread workerThread = worker.submit(Thread::currentThread).result(WAIT);
    assertSame(workerThread, get(FromAsync.callIn(worker, Thread::currentThread)));
    LoopPortal loop = newLoop();
    assertTrue(get(FromAsync.callIn(loop, Call.of(loop::inLoop), Duration.ofSeconds(30))));
  }

  // ------------------------------------------------------------------ outcomes

  @Test
  void exceptionsArriveInTheFutureAsTheOriginalThrowable() throws Exception {
    RuntimeException runtime = new IllegalArgumentException("runtime");
    IOException checked = new IOException("checked");
    Error error = new Error("error");
    for (Throwable thrown : List.of(runtime, checked, error)) {
      Callable<String> failing =
          () -> {
            if (thrown instanceof Exception) {
              throw (Exception) thrown;
            }
            throw (Error) thrown;
          };
      assertSame(thrown, failureOf(FromAsync.callInNewThread(failing)), "new thread");
      assertSame(thrown, failureOf(FromAsync.callInLoopThread(failing)), "global loop");
      assertSame(thrown, failureOf(FromAsync.callIn(newWorker(), failing)), "worker");
    }
    // An async call whose stage fails with a CompletionException fails with its cause.
    Call<String> async =
        Call.ofAsync(() -> CompletableFuture.failedFuture(new CompletionException(checked)));
    assertSame(checked, failureOf(FromAsync.callInLoopThread(async)));
  }

  @Test
  void resultsOfAsyncCallsArriveWhenTheirStageCompletes() throws Exception {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    releases.add(() -> stage.complete(-1));
    CompletableFuture<Integer> future = FromAsync.callInLoopThread(Call.ofAsync(() -> stage));
    awaitCondition(() -> stage.getNumberOfDependents() > 0, "the async function ran");
    assertFalse(future.isDone());
    stage.complete(99);
    assertEquals(99, get(future));
  }

  @Test
  void cancellingTheFutureCancelsTheCallInANewThread() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch never = newLatch();
    AtomicBoolean interrupted = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
              }
              return "unreachable";
            });
    CompletableFuture<String> future = FromAsync.callInNewThread(call);
    await(started);
    assertTrue(future.cancel(true));
    awaitCondition(call::isDone, "call done");
    assertTrue(call.isCancelled());
    assertThrows(CallCancelledException.class, call::result);
    awaitCondition(interrupted::get, "the running body was interrupted");
  }

  @Test
  void cancellingTheFutureCancelsAnAsyncCallOnTheLoopAndItsStage() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    releases.add(() -> never.complete("released"));
    Call<String> call = Call.ofAsync(() -> never);
    CompletableFuture<String> future = FromAsync.callInLoopThread(call);
    awaitCondition(call::isRunning, "call running");
    assertTrue(future.cancel(true));
    assertTrue(call.isCancelled());
    // Running means the function has started, perhaps not yet returned its stage; the runner
    // cancels the stage as soon as it gets it.
    awaitCondition(never::isCancelled, "the call's stage is cancelled");
  }

  @Test
  void aCancelledCallCompletesTheFutureWithCallCancelledException() throws Exception {
    CountDownLatch never = newLatch();
    Call<String> call =
        Call.of(
            () -> {
              never.await();
              return "unreachable";
            });
    CompletableFuture<String> future = FromAsync.callInNewThread(call);
    awaitCondition(call::isRunning, "call running");
    assertTrue(call.cancel());
    assertInstanceOf(CallCancelledException.class, failureOf(future));
  }

  @Test
  void theTimeoutArgumentBecomesTheCallsTimeout() throws Exception {
    CountDownLatch never = newLatch();
    Call<String> call =
        Call.of(
            () -> {
              never.await();
              return "unreachable";
            });
    CompletableFuture<String> future = FromAsync.callInNewThread(call, Duration.ofMillis(200));
    assertEquals(Optional.of(Duration.ofMillis(200)), call.timeout());
    assertInstanceOf(CallTimeoutException.class, failureOf(future));
    assertTrue(call.isTimedOut());
  }

  @Test
  void aNullTimeoutKeepsTheCallsOwnTimeout() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call = Call.<String>ofAsync(() -> never).setTimeout(Duration.ofMillis(150));
    CompletableFuture<String> future = FromAsync.callInLoopThread(call, null);
    assertEquals(Optional.of(Duration.ofMillis(150)), call.timeout());
    assertInstanceOf(CallTimeoutException.class, failureOf(future));
    awaitCondition(never::isCancelled, "the async call's stage was cancelled at its deadline");
  }

  // ------------------------------------------------------------------ callbacks

  @Test
  void callbacksSentBackRunOnTheCallersLoopBeforeTheFutureCompletes() throws Exception {
    LoopPortal loop = newLoop();
    Thread loopThread = loop.submit(Thread::currentThread).result(WAIT);
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<String> future =
        loop.submit(
                Call.of(
                    () ->
                        FromAsync.waitForCallInNewThread(
                            Call.of(
                                () -> {
                                  Call<Boolean> callback =
                                      Waiters.current()
                                          .orElseThrow()
                                          .submit(
                                              Call.of(
                                                  () ->
                                                      events.add(
                                                          "callback on loop="
                                                              + (Thread.currentThread()
                                                                  == loopThread))));
                                  return "body saw " + callback.result(WAIT);
                                }),
                            null,
                            List.of(
                                Call.of(
                                    () ->
                                        events.add(
                                            "done callback on loop="
                                                + (Thread.currentThread() == loopThread)))))))
            .result(WAIT);
    String result =
        get(
            future.thenApply(
                v -> {
                  events.add("future completed");
                  return v;
                }));
    assertEquals("body saw true", result);
    assertEquals(
        List.of("callback on loop=true", "done callback on loop=true", "future completed"), events);
  }

  @Test
  void callbacksOfACallerOffAnyLoopRunOnTheGlobalLoop() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<String> future =
        FromAsync.waitForCallIn(
            newWorker(),
            Call.of(
                () ->
                    Waiters.current()
                        .orElseThrow()
                        .submit(Call.of(() -> Thread.currentThread().getName()))
                        .result(WAIT)),
            Duration.ofSeconds(30),
            List.of(Call.of(() -> events.add("done on " + Thread.currentThread().getName()))));
    assertEquals(CoreRuntime.GLOBAL_LOOP_NAME, get(future));
    assertEquals(List.of("done on " + CoreRuntime.GLOBAL_LOOP_NAME), events);
  }

  @Test
  void doneCallbacksRunAlsoWhenTheCallFails() throws Exception {
    IllegalStateException failure = new IllegalStateException("failing");
    Call<Boolean> doneCallback = Call.of(() -> true);
    CompletableFuture<String> future =
        FromAsync.waitForCallInNewThread(
            Call.of(
                () -> {
                  throw failure;
                }),
            null,
            List.of(doneCallback));
    assertSame(failure, failureOf(future));
    assertTrue(doneCallback.isDone(), "the future completed before the done callback ran");
    assertTrue(doneCallback.result());
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void aSubmitFailureIsThrownAtOnceAndLeavesNoWaiterBehind() throws Exception {
    WorkerPortal worker = newWorker();
    worker.shutdown();
    Call<String> call = Call.of(() -> "never");
    assertThrows(RejectedExecutionException.class, () -> FromAsync.callIn(worker, call));
    assertEquals(Optional.empty(), Waiters.of(call));
    assertFalse(Waiters.forThread(Thread.currentThread()).stream().anyMatch(w -> w.call() == call));
  }

  @Test
  void nullArgumentsAreRejected() {
    WorkerPortal worker = newWorker();
    assertThrows(NullPointerException.class, () -> FromAsync.callIn(null, Call.of(() -> 1)));
    assertThrows(NullPointerException.class, () -> FromAsync.callIn(worker, (Call<Object>) null));
    assertThrows(
        NullPointerException.class,
        () -> FromAsync.waitForCallIn(worker, Call.of(() -> 1), null, null));
    assertThrows(NullPointerException.class, () -> FromAsync.callInLoopThread((Call<Object>) null));
  }

  @Test
  void eachCallGetsItsOwnNewThread() throws Exception {
    Thread first = get(FromAsync.callInNewThread(Thread::currentThread));
    Thread second =
        get(FromAsync.waitForCallInNewThread(Thread::currentThread, Duration.ofSeconds(30)));
    assertNotSame(first, second);
    first.join(WAIT.toMillis());
    second.join(WAIT.toMillis());
    assertFalse(first.isAlive());
    assertFalse(second.isAlive());
  }
}

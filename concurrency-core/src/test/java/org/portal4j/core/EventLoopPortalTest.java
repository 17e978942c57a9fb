package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** The event loop portal (the platform provider's LOOP kind): DESIGN.md "Portals", loop lines. */
@CheckThreadLeaks
class EventLoopPortalTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration SHORT_GRACE = Duration.ofMillis(300);

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

  private <P extends WorkerPortal> P track(P portal) {
    portals.add(portal);
    return portal;
  }

  private LoopPortal newLoop() {
    return track(Portals.newEventLoopThread());
  }

  private LoopPortal newLoop(String name) {
    return track(Portals.newEventLoopThread(PortalOptions.builder().name(name).build()));
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), "latch not reached in time");
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Runs {@code body} on a new platform thread; the future holds its outcome. */
  private static <T> CompletableFuture<T> onNewThread(String name, Callable<T> body) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                outcome.complete(body.call());
              } catch (Throwable t) {
                outcome.completeExceptionally(t);
              }
            },
            name);
    thread.start();
    return outcome;
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not reached in time: " + what);
      }
      Thread.sleep(5); // polling a state with a deadline
    }
  }

  private static Thread loopThread(LoopPortal loop) throws Exception {
    return loop.submit(Thread::currentThread).result(WAIT);
  }

  // ------------------------------------------------------------------ running calls

  @Test
  void syncCallsRunInlineOnTheLoopThreadOneAfterAnother() throws Exception {
    LoopPortal loop = newLoop("inline-loop");
    Thread loopThread = loopThread(loop);
    List<Integer> order = new CopyOnWriteArrayList<>();
    List<Call<Thread>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int id = i;
      calls.add(
          loop.submit(
              Call.of(
                  () -> {
                    order.add(id);
                    return Thread.currentThread();
                  })));
    }
    for (Call<Thread> call : calls) {
      assertSame(loopThread, call.result(WAIT));
      assertSame(loop, call.runner().orElseThrow());
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      expected.add(i);
    }
    assertEquals(expected, order, "calls run in submission order");
  }

  @Test
  void inLoopAndCurrentLoopAreTrueOnlyOnTheLoopThread() throws Exception {
    LoopPortal loop = newLoop();
    LoopPortal other = newLoop();
    assertFalse(loop.inLoop());
    assertEquals(Optional.empty(), Portals.currentLoop());
    assertTrue(loop.submit(loop::inLoop).result(WAIT));
    assertFalse(other.submit(loop::inLoop).result(WAIT), "another loop's thread is not this loop");
    assertSame(loop, loop.submit(() -> Portals.currentLoop().orElseThrow()).result(WAIT));
    assertSame(other, other.submit(() -> Portals.currentLoop().orElseThrow()).result(WAIT));
    Thread thread = loopThread(loop);
    loop.shutdown();
    assertTrue(loop.awaitTermination(WAIT));
    thread.join(WAIT.toMillis());
    assertFalse(thread.isAlive(), "the loop thread exits at shutdown");
  }

  @Test
  void asyncCallDoesNotBlockTheLoopWhileItsStageIsPending() throws Exception {
    LoopPortal loop = newLoop();
    CompletableFuture<String> stage = new CompletableFuture<>();
    releases.add(() -> stage.complete("released"));
    Call<String> async = loop.submit(Call.ofAsync(() -> stage));
    // A sync call submitted after the async one finishes while the async one is still pending.
    assertEquals("later", loop.submit(() -> "later").result(WAIT));
    assertFalse(async.isDone());
    assertTrue(async.isRunning());
    stage.complete("done");
    assertEquals("done", async.result(WAIT));
  }

  @Test
  void thousandAsyncCallsAreInFlightAtOnceOnOneLoopAndAllFinish() throws Exception {
    int count = 1000;
    LoopPortal loop = newLoop();
    Thread loopThread = loopThread(loop);
    AtomicReferenceArray<CompletableFuture<Integer>> stages = new AtomicReferenceArray<>(count);
    CountDownLatch allStarted = new CountDownLatch(count);
    AtomicInteger offLoop = new AtomicInteger();
    List<Call<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int id = i;
      calls.add(
          loop.submit(
              Call.<Integer>ofAsync(
                  "async-" + id,
                  () -> {
                    if (Thread.currentThread() != loopThread) {
                      offLoop.incrementAndGet();
                    }
                    CompletableFuture<Integer> stage = new CompletableFuture<>();
                    stages.set(id, stage);
                    allStarted.countDown();
                    return stage;
                  })));
    }
    await(allStarted);
    // Every function has run and none of the calls is done: all 1,000 are in flight together.
    for (Call<Integer> call : calls) {
      assertFalse(call.isDone(), call + " finished before its stage completed");
      assertTrue(call.isRunning());
    }
    assertEquals(0, offLoop.get(), "async functions run on the loop thread");
    assertEquals("free", loop.submit(() -> "free").result(WAIT), "the loop is not blocked");

    // Complete them later from another thread, last first.
    get(
        onNewThread(
            "completer",
            () -> {
              for (int i = count - 1; i >= 0; i--) {
                stages.get(i).complete(i * 2);
              }
              return null;
            }));
    for (int i = 0; i < count; i++) {
      assertEquals(i * 2, calls.get(i).result(WAIT));
    }
  }

  @Test
  void timeoutCancelsAnAsyncCallOnTheLoopAtItsDeadline() throws Exception {
    LoopPortal loop = newLoop();
    loop.start();
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call =
        Call.<String>ofAsync("never-ending", () -> never).setTimeout(Duration.ofMillis(200));
    long start = System.nanoTime();
    loop.submit(call);
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsedMillis >= 190, "timed out after only " + elapsedMillis + " ms");
    assertTrue(elapsedMillis < WAIT.toMillis() / 2, "timed out late: " + elapsedMillis + " ms");
    assertTrue(call.isTimedOut());
    assertTrue(call.isCancelled());
    assertTrue(never.isCancelled(), "the async call's stage is cancelled at the deadline");
    assertEquals("still turning", loop.submit(() -> "still turning").result(WAIT));
  }

  @Test
  void whenATimedOutAsyncCallsOutcomeIsPublishedItsStageIsAlreadyCancelled() throws Exception {
    LoopPortal loop = newLoop();
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call =
        Call.<String>ofAsync("observed-timeout", () -> never).setTimeout(Duration.ofMillis(100));
    // A dependent of the call's future runs as the outcome is published, like a woken waiter.
    CompletableFuture<Boolean> stageCancelledWhenPublished =
        call.toCompletableFuture().handle((value, error) -> never.isCancelled());
    loop.submit(call);
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    assertTrue(
        get(stageCancelledWhenPublished),
        "the outcome was published before the stage was cancelled");
  }

  @Test
  void aSyncCallOnTheLoopIsInterruptedAtItsTimeoutAndTheLoopThreadIsLeftClean() throws Exception {
    LoopPortal loop = newLoop();
    CountDownLatch never = new CountDownLatch(1);
    releases.add(never::countDown);
    AtomicBoolean interrupted = new AtomicBoolean();
    Call<String> call =
        Call.<String>of(
                "blocks-the-loop",
                () -> {
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return "unreachable";
                })
            .setTimeout(Duration.ofMillis(200));
    loop.submit(call);
    assertThrows(CallTimeoutException.class, () -> call.result(WAIT));
    assertTrue(call.isTimedOut());
    // The next call on the loop runs on a thread without a stale interrupt flag.
    assertFalse(loop.submit(() -> Thread.currentThread().isInterrupted()).result(WAIT));
    assertTrue(interrupted.get(), "the body was interrupted at the deadline");
  }

  @Test
  void aFailingCallDoesNotKillTheLoop() throws Exception {
    LoopPortal loop = newLoop();
    Error error = new Error("deliberate");
    Call<Object> failing =
        loop.submit(
            Call.of(
                () -> {
                  throw error;
                }));
    assertSame(error, assertThrows(Error.class, () -> failing.result(WAIT)));
    IOException checked = new IOException("checked");
    Call<Object> failingAsync =
        loop.submit(Call.ofAsync(() -> CompletableFuture.failedFuture(checked)));
    assertSame(
        checked,
        failingAsync
            .toCompletableFuture()
            .handle((v, e) -> e)
            .get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(7, loop.submit(() -> 7).result(WAIT));
  }

  // ------------------------------------------------------------------ starting

  @Test
  void startReturnsOnlyOnceTheLoopIsReady() throws Exception {
    CountDownLatch hookEntered = new CountDownLatch(1);
    CountDownLatch hookMayFinish = new CountDownLatch(1);
    releases.add(hookMayFinish::countDown);
    AtomicBoolean hookFinished = new AtomicBoolean();
    EventLoopPortal loop =
        track(
            new EventLoopPortal(PortalOptions.defaults()) {
              @Override
              protected void onLoopStart() throws Exception {
                hookEntered.countDown();
                assertTrue(hookMayFinish.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                hookFinished.set(true);
              }
            });
    CompletableFuture<Boolean> starter =
        onNewThread(
            "starter",
            () -> {
              loop.start();
              return hookFinished.get();
            });
    await(hookEntered);
    assertFalse(starter.isDone(), "start() returned while the loop was still starting");
    hookMayFinish.countDown();
    assertTrue(get(starter), "start() returned before the start-up hook had finished");
    assertTrue(loop.isRunning());
  }

  @Test
  void startRethrowsARuntimeStartUpFailureInTheCaller() throws Exception {
    IllegalStateException boom = new IllegalStateException("cannot start");
    EventLoopPortal loop =
        track(
            new EventLoopPortal(PortalOptions.defaults()) {
              @Override
              protected void onLoopStart() {
                throw boom;
              }
            });
    assertSame(boom, assertThrows(IllegalStateException.class, loop::start));
    assertSame(
        boom,
        assertThrows(IllegalStateException.class, loop::start),
        "and again on a second start()");
    assertTrue(loop.awaitTermination(WAIT));
    assertTrue(loop.isShutdown());
    assertFalse(loop.isRunning());
    assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> 1));
  }

  @Test
  void startWrapsACheckedStartUpFailureAndRethrowsErrorsAsThemselves() throws Exception {
    IOException io = new IOException("no socket");
    EventLoopPortal checked =
        track(
            new EventLoopPortal(PortalOptions.defaults()) {
              @Override
              protected void onLoopStart() throws Exception {
                throw io;
              }
            });
    IllegalStateException wrapped = assertThrows(IllegalStateException.class, checked::start);
    assertSame(io, wrapped.getCause());

    Error fatal = new Error("fatal start");
    EventLoopPortal erroring =
        track(
            new EventLoopPortal(PortalOptions.defaults()) {
              @Override
              protected void onLoopStart() {
                throw fatal;
              }
            });
    assertSame(fatal, assertThrows(Error.class, erroring::start));
  }

  @Test
  void callsQueuedBeforeAStartUpFailureAreCancelledInsteadOfHanging() throws Exception {
    CountDownLatch submitted = new CountDownLatch(1);
    releases.add(submitted::countDown);
    EventLoopPortal loop =
        track(
            new EventLoopPortal(PortalOptions.defaults()) {
              @Override
              protected void onLoopStart() throws Exception {
                assertTrue(submitted.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                throw new IllegalStateException("start-up failed");
              }
            });
    Call<Integer> queued = loop.submit(() -> 1); // starts the loop without waiting for it
    submitted.countDown();
    assertThrows(CallCancelledException.class, () -> queued.result(WAIT));
    assertThrows(IllegalStateException.class, loop::start);
    assertTrue(loop.awaitTermination(WAIT));
  }

  @Test
  void manyThreadsCallingStartAtOnceStartExactlyOneThread() throws Exception {
    int callers = 8;
    String name = "start-race-loop";
    AtomicInteger hookRuns = new AtomicInteger();
    EventLoopPortal loop =
        track(
            new EventLoopPortal(PortalOptions.builder().name(name).build()) {
              @Override
              protected void onLoopStart() {
                hookRuns.incrementAndGet();
              }
            });
    CyclicBarrier barrier = new CyclicBarrier(callers);
    List<CompletableFuture<Boolean>> starters = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      starters.add(
          onNewThread(
              "starter-" + i,
              () -> {
                barrier.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                loop.start();
                return loop.isRunning();
              }));
    }
    for (CompletableFuture<Boolean> starter : starters) {
      assertTrue(get(starter), "start() returned but the loop is not running");
    }
    assertEquals(1, hookRuns.get(), "the loop thread started more than once");
    long threads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().contains(name) && t.isAlive())
            .count();
    assertEquals(1, threads);
  }

  // ------------------------------------------------------------------ names and flags

  @Test
  void defaultNamesAreEventLoopThreadNAndTheThreadCarriesThePortalName() throws Exception {
    LoopPortal first = newLoop();
    LoopPortal second = newLoop();
    assertTrue(first.name().matches("EventLoopThread-\\d+"), first.name());
    assertTrue(second.name().matches("EventLoopThread-\\d+"), second.name());
    assertFalse(first.name().equals(second.name()), "generated names are unique");
    assertTrue(loopThread(first).getName().contains(first.name()));

    LoopPortal named = newLoop("my-special-loop");
    assertEquals("my-special-loop", named.name());
    assertTrue(loopThread(named).getName().contains("my-special-loop"));
  }

  @Test
  void daemonFlagIsHonoured() throws Exception {
    LoopPortal plain = newLoop();
    assertFalse(plain.isDaemon());
    assertFalse(loopThread(plain).isDaemon(), "defaults: not a daemon");
    LoopPortal daemon =
        track(Portals.newEventLoopThread(PortalOptions.builder().daemon(true).build()));
    assertTrue(daemon.isDaemon());
    assertTrue(loopThread(daemon).isDaemon());
  }

  // ------------------------------------------------------------------ Executor

  @Test
  void executeRunsTasksOnTheLoopInOrderWithSubmittedCalls() throws Exception {
    LoopPortal loop = newLoop();
    Thread loopThread = loopThread(loop);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    loop.execute(() -> order.add("task-1"));
    loop.submit(() -> order.add("call"));
    loop.execute(
        () -> {
          order.add("task-2");
          ranOn.complete(Thread.currentThread());
        });
    assertSame(loopThread, get(ranOn));
    assertEquals(List.of("task-1", "call", "task-2"), order);
    assertThrows(NullPointerException.class, () -> loop.execute(null));
  }

  @Test
  void executeIsAcceptedDuringShutdownAndRejectedOnceTerminated() throws Exception {
    LoopPortal loop = newLoop();
    CompletableFuture<String> fromShutdownCall = new CompletableFuture<>();
    loop.addShutdownCall(
        Call.of(
            () -> {
              assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> "no"));
              loop.execute(() -> fromShutdownCall.complete("ran during shutdown"));
              return null;
            }));
    loop.start();
    loop.shutdown();
    assertTrue(loop.awaitTermination(WAIT));
    assertEquals("ran during shutdown", get(fromShutdownCall));
    assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
  }

  // ------------------------------------------------------------------ shutdown

  @Test
  void submitAfterShutdownIsRejected() throws Exception {
    LoopPortal loop = newLoop();
    assertEquals(1, loop.submit(() -> 1).result(WAIT));
    loop.shutdown();
    assertTrue(loop.isShutdown());
    assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> 2));
    assertThrows(RejectedExecutionException.class, () -> loop.addShutdownCall(Call.of(() -> 3)));
    assertTrue(loop.awaitTermination(WAIT));
    assertFalse(loop.isRunning());
    assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> 4));
    assertThrows(RejectedExecutionException.class, loop::start);
  }

  @Test
  void closeIsShutdown() throws Exception {
    LoopPortal loop = newLoop();
    loop.start();
    loop.close();
    assertTrue(loop.isShutdown());
    assertTrue(loop.awaitTermination(WAIT));
  }

  @Test
  void aLoopShutDownBeforeItStartedTerminatesWithoutAThread() throws Exception {
    LoopPortal loop = newLoop("never-started-loop");
    loop.shutdown();
    assertTrue(loop.awaitTermination(WAIT));
    assertTrue(loop.isShutdown());
    assertFalse(loop.isRunning());
    assertTrue(
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().contains("never-started-loop")));
  }

  @Test
  void addShutdownCallRejectsNull() {
    LoopPortal loop = newLoop();
    assertThrows(NullPointerException.class, () -> loop.addShutdownCall(null));
  }

  @Test
  void oneShutdownCallRunsOnTheLoopAtShutdown() throws Exception {
    LoopPortal loop = newLoop();
    Thread loopThread = loopThread(loop);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Call<String> shutdownCall =
        Call.of(
            () -> {
              ranOn.set(Thread.currentThread());
              return "bye";
            });
    loop.addShutdownCall(shutdownCall);
    assertFalse(shutdownCall.isDone(), "a shutdown call waits for shutdown");
    assertEquals(2, loop.submit(() -> 2).result(WAIT));
    assertFalse(shutdownCall.isDone());
    loop.shutdown();
    assertTrue(loop.awaitTermination(WAIT));
    assertEquals("bye", shutdownCall.result(WAIT));
    assertSame(loopThread, ranOn.get());
  }

  @Test
  void shutdownCallsOfALoopThatNeverStartedStillRun() throws Exception {
    LoopPortal loop = newLoop();
    CompletableFuture<Boolean> ranInLoop = new CompletableFuture<>();
    loop.addShutdownCall(Call.of(() -> ranInLoop.complete(loop.inLoop())));
    loop.shutdown();
    assertTrue(loop.awaitTermination(WAIT));
    assertTrue(get(ranInLoop));
  }

  @Test
  void fiveShutdownCallsRunInOrderAndAsyncOnesAreAwaited() throws Exception {
    LoopPortal loop = newLoop();
    loop.start();
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<String> asyncStage = new CompletableFuture<>();
    releases.add(() -> asyncStage.complete("released"));
    CountDownLatch asyncStarted = new CountDownLatch(1);
    List<Call<?>> calls = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int id = i;
      Call<?> call;
      if (id == 3) {
        call =
            Call.ofAsync(
                "shutdown-3",
                () -> {
                  order.add("shutdown-3 started");
                  asyncStarted.countDown();
                  return asyncStage.thenApply(
                      v -> {
                        order.add("shutdown-3 done");
                        return v;
                      });
                });
      } else {
        call =
            Call.of(
                "shutdown-" + id,
                () -> {
                  assertTrue(loop.inLoop());
                  order.add("shutdown-" + id);
                  return id;
                });
      }
      calls.add(call);
      loop.addShutdownCall(call);
    }
    loop.shutdown();
    await(asyncStarted);
    // Completed from outside the loop: shutdown must still be waiting for it.
    get(onNewThread("completer", () -> asyncStage.complete("async done")));
    assertTrue(loop.awaitTermination(WAIT));
    assertEquals(
        List.of(
            "shutdown-1",
            "shutdown-2",
            "shutdown-3 started",
            "shutdown-3 done",
            "shutdown-4",
            "shutdown-5"),
        order);
    for (Call<?> call : calls) {
      assertTrue(call.isDone());
      assertFalse(call.isCancelled(), call + " was cancelled");
    }
  }

  @Test
  void theLoopKeepsTurningWhileItAwaitsAnAsyncShutdownCall() throws Exception {
    LoopPortal loop = newLoop();
    loop.start();
    CompletableFuture<String> stage = new CompletableFuture<>();
    releases.add(() -> stage.complete("released"));
    CountDownLatch started = new CountDownLatch(1);
    Call<String> shutdownCall =
        Call.ofAsync(
            () -> {
              started.countDown();
              return stage;
            });
    loop.addShutdownCall(shutdownCall);
    loop.shutdown();
    await(started);
    // The stage is completed by a task that only the loop itself can run.
    loop.execute(() -> stage.complete("completed on the loop"));
    assertEquals("completed on the loop", shutdownCall.result(WAIT));
    assertTrue(loop.awaitTermination(WAIT));
  }

  @Test
  void shutdownRunsQueuedCallsThenShutdownCallsThenCancelsInFlightCallsThenExits()
      throws Exception {
    LoopPortal loop = newLoop();
    Thread loopThread = loopThread(loop);
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> inFlight = Call.ofAsync("in-flight", () -> never);
    inFlight.addCancelCallback(() -> events.add("cancel in-flight"));
    loop.submit(inFlight);

    CountDownLatch blocking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    releases.add(release::countDown);
    loop.submit(
        Call.of(
            () -> {
              blocking.countDown();
              assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
              events.add("blocker");
              return null;
            }));
    await(blocking);
    for (int i = 1; i <= 3; i++) {
      int id = i;
      loop.submit(() -> events.add("queued-" + id));
    }
    for (int i = 1; i <= 2; i++) {
      int id = i;
      loop.addShutdownCall(
          Call.of(
              () -> {
                assertFalse(
                    inFlight.isDone(), "in-flight calls are cancelled after shutdown calls");
                return events.add("shutdown-" + id);
              }));
    }
    loop.shutdown();
    assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> "late"));
    release.countDown();
    assertTrue(loop.awaitTermination(WAIT));
    loopThread.join(WAIT.toMillis());
    assertFalse(loopThread.isAlive());
    assertEquals(
        List.of(
            "blocker",
            "queued-1",
            "queued-2",
            "queued-3",
            "shutdown-1",
            "shutdown-2",
            "cancel in-flight"),
        events);
    assertTrue(inFlight.isCancelled());
    assertThrows(CallCancelledException.class, inFlight::result);
    assertTrue(never.isCancelled(), "the in-flight call's stage is cancelled");
  }

  @Test
  void shutdownCallsAreForgottenOnceRun() throws Exception {
    LoopPortal loop = newLoop();
    loop.start();
    CountDownLatch ran = new CountDownLatch(1);
    WeakReference<Call<?>> ref = addShutdownCall(loop, ran);
    // While it waits for shutdown, the loop must keep it.
    System.gc();
    assertNotNull(ref.get(), "the loop dropped a shutdown call before running it");
    loop.shutdown();
    await(ran);
    assertTrue(loop.awaitTermination(WAIT));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (ref.get() != null) {
      if (System.nanoTime() > deadline) {
        fail("the shut-down loop still holds its shutdown call");
      }
      System.gc();
      Thread.sleep(20); // polling the reference with a deadline
    }
    assertNull(ref.get());
    Reference.reachabilityFence(loop);
  }

  private static WeakReference<Call<?>> addShutdownCall(LoopPortal loop, CountDownLatch ran) {
    byte[] ballast = new byte[1 << 20];
    Call<Integer> call =
        Call.of(
            "forgettable",
            () -> {
              ran.countDown();
              return ballast.length;
            });
    loop.addShutdownCall(call);
    return new WeakReference<>(call);
  }

  @Test
  void aShutdownCallStillUnfinishedAfterTheGraceIsCancelledAndLogged() throws Exception {
    EventLoopPortal loop = track(new EventLoopPortal(PortalOptions.defaults(), SHORT_GRACE));
    loop.start();
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> stuck = Call.ofAsync("stuck-shutdown-call", () -> never);
    CompletableFuture<Boolean> next = new CompletableFuture<>();
    loop.addShutdownCall(stuck);
    loop.addShutdownCall(Call.of(() -> next.complete(stuck.isDone())));
    try (LogCapture logs = LogCapture.start()) {
      long start = System.nanoTime();
      loop.shutdown();
      assertTrue(loop.awaitTermination(WAIT), "shutdown is bounded by the grace");
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsedMillis >= 250, "cancelled before the grace ran out: " + elapsedMillis);
      assertTrue(stuck.isCancelled());
      assertTrue(never.isCancelled());
      assertTrue(get(next), "the next shutdown call runs after the stuck one was cancelled");
      ILoggingEvent warning =
          logs.await(
              e ->
                  e.getLevel() == Level.WARN
                      && e.getFormattedMessage().contains("stuck-shutdown-call"),
              WAIT);
      assertTrue(warning.getFormattedMessage().contains(loop.name()));
    }
  }

  @Test
  void aBlockingSyncShutdownCallIsAlsoCancelledAfterTheGrace() throws Exception {
    EventLoopPortal loop = track(new EventLoopPortal(PortalOptions.defaults(), SHORT_GRACE));
    loop.start();
    CountDownLatch never = new CountDownLatch(1);
    releases.add(never::countDown);
    AtomicBoolean interrupted = new AtomicBoolean();
    Call<Object> stuck =
        Call.of(
            "blocking-shutdown-call",
            () -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
              }
              return null;
            });
    loop.addShutdownCall(stuck);
    try (LogCapture logs = LogCapture.start()) {
      loop.shutdown();
      boolean terminated = loop.awaitTermination(Duration.ofSeconds(5));
      never.countDown(); // let the loop go if it did not cancel the call itself
      assertTrue(terminated, "a blocking sync shutdown call held the loop past its grace");
      assertTrue(stuck.isCancelled());
      assertTrue(interrupted.get());
      logs.await(
          e ->
              e.getLevel() == Level.WARN
                  && e.getFormattedMessage().contains("blocking-shutdown-call"),
          WAIT);
    }
  }

  @Test
  void theShutdownGraceMustNotBeNegative() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventLoopPortal(PortalOptions.defaults(), Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class, () -> new EventLoopPortal(PortalOptions.defaults(), null));
  }

  @Test
  void platformProviderMakesEventLoopPortals() {
    assertInstanceOf(EventLoopPortal.class, newLoop());
  }
}

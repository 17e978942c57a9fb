package org.portal4j.test.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.portal4j.test.tck.Outcomes.assertMessageContains;
import static org.portal4j.test.tck.Outcomes.assertShowsTheCycle;
import static org.portal4j.test.tck.Outcomes.deadlockIn;
import static org.portal4j.test.tck.Outcomes.failureOf;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.DeadlockException;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * The conformance suite for event loops ({@link PortalKind#LOOP}): everything of {@link PortalTck},
 * made with {@link PortalProvider#newLoop}, plus the loop contract of DESIGN.md: sync calls inline
 * and async calls in flight without blocking the loop, {@link LoopPortal#inLoop()} and {@link
 * Portals#currentLoop()}, plain tasks ({@link LoopPortal#execute}), shutdown calls run in order and
 * bounded by the shutdown grace, calls in flight cancelled at shutdown, {@code FromSync} on the
 * loop's own thread, waiters on the loop, and the cycles a loop can close.
 *
 * <p>To check your provider, extend this class in your tests and say which provider:
 *
 * <pre>{@code
 * class MyLoopPortalConformanceTest extends LoopPortalTck {
 *   @Override
 *   protected PortalProvider provider() {
 *     return new MyPortalProvider();
 *   }
 *
 *   @Override // optional: lets the suite check the shutdown grace without waiting 10 s
 *   protected LoopPortal newLoopWithShutdownGrace(PortalOptions options, Duration grace) {
 *     return new MyLoopPortal(options, grace);
 *   }
 * }
 * }</pre>
 *
 * The capability hooks of {@link PortalTck} apply; {@link #newLoopWithShutdownGrace} is one more:
 * without it, the two grace tests are reported as skipped. Tests that need a worker or a new thread
 * take it from the runtime ({@link FromSync#callInNewThread}, {@link Portals#newWorkerThread}).
 *
 * @since 0.1
 */
public abstract class LoopPortalTck extends PortalTck {

  private static final Duration SHORT_GRACE = Duration.ofMillis(300);

  /** For subclasses, which say which {@link #provider()} to check. */
  protected LoopPortalTck() {}

  /**
   * {@inheritDoc}
   *
   * @return {@code "EventLoopThread"}, as DESIGN.md says
   */
  @Override
  protected String generatedNamePrefix() {
    return "EventLoopThread";
  }

  /**
   * A new, not started loop of the provider under test whose shutdown calls may each take {@code
   * grace} at shutdown before they are cancelled. {@link PortalProvider#newLoop} makes loops with
   * the default grace (10 s), too long for a test; a backend whose loops take a grace overrides
   * this so that the suite can check it. By default the grace tests are skipped.
   *
   * @param options name, daemon flag, run-once
   * @param grace the shutdown grace
   * @return the loop, or null when the backend cannot make one with another grace (the default)
   */
  protected @Nullable LoopPortal newLoopWithShutdownGrace(PortalOptions options, Duration grace) {
    return null;
  }

  @Override
  final WorkerPortal newPortal(PortalOptions options) {
    return newLoop(options);
  }

  private LoopPortal newLoop(PortalOptions options) {
    PortalProvider provider = provider();
    assertTrue(
        provider.kinds().contains(PortalKind.LOOP),
        provider.name() + " does not make LOOP portals: " + provider.kinds());
    return provider.newLoop(options);
  }

  /** A loop of the provider named {@code unique(what)}, ended after the test. */
  private LoopPortal loop(String what) {
    return (LoopPortal) portal(what);
  }

  /** A loop of the provider with a short shutdown grace, or the test is skipped. */
  private LoopPortal loopWithShortGrace(String what) {
    LoopPortal loop =
        newLoopWithShutdownGrace(PortalOptions.builder().name(unique(what)).build(), SHORT_GRACE);
    Assumptions.assumeTrue(
        loop != null,
        "skipped: override newLoopWithShutdownGrace(options, grace) to check the shutdown grace");
    return fixture.portal(loop);
  }

  /** A worker of the runtime, ended after the test. */
  private WorkerPortal runtimeWorker(String what) {
    return fixture.portal(
        Portals.newWorkerThread(PortalOptions.builder().name(unique(what)).build()));
  }

  // ================================================================ the loop's thread

  /** LoopPortal.inLoop(): true on the loop's thread only. */
  @Test
  public void inLoopIsTrueOnTheLoopsThreadOnly() throws Exception {
    LoopPortal loop = loop("in-loop");
    LoopPortal other = loop("other");
    assertFalse(loop.inLoop());
    assertTrue(loop.submit(loop::inLoop).result(Await.WAIT));
    assertFalse(other.submit(loop::inLoop).result(Await.WAIT), "another loop's thread");
    CallerThread elsewhere = CallerThread.start(fixture, "tck-not-a-loop", loop::inLoop);
    assertEquals(false, elsewhere.result());
  }

  /** DESIGN.md: Portals.currentLoop() is the loop on its thread, empty off any loop. */
  @Test
  public void currentLoopIsTheLoopOnItsThreadAndEmptyOffAnyLoop() throws Exception {
    LoopPortal loop = loop("current-loop");
    LoopPortal other = loop("other-current-loop");
    CallerThread offLoop = CallerThread.start(fixture, "tck-off-loop", Portals::currentLoop);
    assertEquals(Optional.empty(), offLoop.result());
    assertSame(loop, loop.submit(() -> Portals.currentLoop().orElse(null)).result(Await.WAIT));
    assertSame(other, other.submit(() -> Portals.currentLoop().orElse(null)).result(Await.WAIT));
    CompletableFuture<Optional<LoopPortal>> inTask = new CompletableFuture<>();
    loop.execute(() -> inTask.complete(Portals.currentLoop()));
    assertSame(loop, Await.get(inTask).orElse(null));
  }

  /** DESIGN.md: start() on another loop's thread does not wait there: loops start each other. */
  @Test
  public void aLoopStartedFromAnotherLoopsThreadStartsAndRuns() throws Exception {
    LoopPortal a = loop("starts-b");
    LoopPortal b = loop("started-by-a");
    LoopPortal c = loop("started-by-b");
    Call<String> startB =
        a.submit(
            Call.of(
                "tck-start-b-on-a",
                () -> {
                  b.start();
                  return "returned";
                }));
    assertEquals("returned", startB.result(Await.WAIT), "b.start() on a's thread");
    Call<String> startC =
        b.submit(
            Call.of(
                "tck-start-c-and-a-on-b",
                () -> {
                  c.start();
                  a.start(); // already running: returns at once
                  return "returned";
                }));
    assertEquals("returned", startC.result(Await.WAIT), "c.start() on b's thread");
    assertEquals("usable", c.submit(() -> "usable").result(Await.WAIT));
  }

  // ================================================================ async calls

  /** DESIGN.md Portals: async calls run without blocking the loop. */
  @Test
  public void anAsyncCallLeavesTheLoopFreeWhileItsStageIsPending() throws Exception {
    LoopPortal loop = loop("async");
    CompletableFuture<String> stage = new CompletableFuture<>();
    fixture.release(() -> stage.complete("released"));
    Call<String> async = loop.submit(Call.ofAsync("tck-async", () -> stage));

    assertEquals("later", loop.submit(() -> "later").result(Await.WAIT));
    assertFalse(async.isDone(), "the async call ended before its stage");
    assertTrue(async.isRunning());
    stage.complete("done");
    assertEquals("done", async.result(Await.WAIT));
  }

  /** DESIGN.md: one loop runs many async calls at once; their functions run on the loop. */
  @Test
  public void aThousandAsyncCallsAreInFlightAtOnceOnOneLoopAndAllFinish() throws Exception {
    int count = 1000;
    LoopPortal loop = loop("thousand");
    Thread loopThread = threadOf(loop);
    AtomicReferenceArray<CompletableFuture<Integer>> stages = new AtomicReferenceArray<>(count);
    CountDownLatch allStarted = new CountDownLatch(count);
    AtomicInteger offLoop = new AtomicInteger();
    List<Call<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int id = i;
      calls.add(
          loop.submit(
              Call.<Integer>ofAsync(
                  "tck-async-" + id,
                  () -> {
                    if (!loop.inLoop()
                        || (portalOwnsOneThread() && Thread.currentThread() != loopThread)) {
                      offLoop.incrementAndGet();
                    }
                    CompletableFuture<Integer> stage = new CompletableFuture<>();
                    stages.set(id, stage);
                    allStarted.countDown();
                    return stage;
                  })));
    }
    fixture.release(
        () -> {
          for (int i = 0; i < count; i++) {
            CompletableFuture<Integer> stage = stages.get(i);
            if (stage != null) {
              stage.complete(-1);
            }
          }
        });
    Await.latch(allStarted, "every async function ran");
    for (Call<Integer> call : calls) {
      assertFalse(call.isDone(), call + " finished before its stage completed");
    }
    assertEquals(0, offLoop.get(), "async functions ran off the loop");
    assertEquals("free", loop.submit(() -> "free").result(Await.WAIT), "the loop is blocked");

    CallerThread completer =
        CallerThread.start(
            fixture,
            "tck-completer",
            () -> {
              for (int i = count - 1; i >= 0; i--) {
                stages.get(i).complete(i * 2);
              }
              return null;
            });
    completer.result();
    for (int i = 0; i < count; i++) {
      assertEquals(i * 2, calls.get(i).result(Await.WAIT));
    }
  }

  /** DESIGN.md Calls: a timeout cancels an async call on the loop, and its stage. */
  @Test
  public void aTimeoutCancelsAnAsyncCallAndItsStageAtTheDeadline() throws Exception {
    LoopPortal loop = loop("async-timeout");
    loop.start();
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call =
        Call.<String>ofAsync("tck-never-ending", () -> never).setTimeout(Duration.ofMillis(200));
    long start = System.nanoTime();
    loop.submit(call);

    assertInstanceOf(CallTimeoutException.class, failureOf(call));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsedMillis >= 190, "timed out after only " + elapsedMillis + " ms");
    assertTrue(call.isTimedOut());
    assertTrue(never.isCancelled(), "the async call's stage was not cancelled");
    assertEquals("still turning", loop.submit(() -> "still turning").result(Await.WAIT));
  }

  // ================================================================ plain tasks

  /** LoopPortal.execute: tasks run on the loop, in order with submitted calls (E10). */
  @Test
  @SuppressWarnings("NullAway") // passes null on purpose, to check the NullPointerException
  public void executeRunsTasksOnTheLoopInOrderWithSubmittedCalls() throws Exception {
    LoopPortal loop = loop("execute");
    Thread loopThread = threadOf(loop);
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<Boolean> ranInLoop = new CompletableFuture<>();
    loop.execute(() -> order.add("task-1"));
    loop.submit(() -> order.add("call"));
    loop.execute(
        () -> {
          order.add("task-2");
          ranInLoop.complete(
              loop.inLoop() && (!portalOwnsOneThread() || Thread.currentThread() == loopThread));
        });
    assertTrue(Await.get(ranInLoop), "the task ran off the loop");
    assertEquals(List.of("task-1", "call", "task-2"), order);
    NullPointerException e = assertThrows(NullPointerException.class, () -> loop.execute(null));
    assertMessageContains(e, "task");
  }

  /** LoopPortal.execute: accepted while shutting down, rejected once terminated (E43). */
  @Test
  public void executeIsAcceptedDuringShutdownAndRejectedOnceTerminated() throws Exception {
    LoopPortal loop = loop("execute-shutdown");
    CompletableFuture<String> fromShutdownCall = new CompletableFuture<>();
    AtomicReference<Throwable> submitDuringShutdown = new AtomicReference<>();
    loop.addShutdownCall(
        Call.of(
            () -> {
              try {
                loop.submit(() -> "no");
              } catch (Throwable t) {
                submitDuringShutdown.set(t);
              }
              loop.execute(() -> fromShutdownCall.complete("ran during shutdown"));
              return null;
            }));
    loop.start();
    loop.shutdown();
    assertTrue(loop.awaitTermination(Await.WAIT));

    assertEquals("ran during shutdown", Await.get(fromShutdownCall));
    assertInstanceOf(RejectedExecutionException.class, submitDuringShutdown.get());
    RejectedExecutionException e =
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
    assertMessageContains(e, "has terminated");
  }

  // ================================================================ shutdown calls

  /** LoopPortal.addShutdownCall: refused for null, after shutdown, and with a runner (E42). */
  @Test
  @SuppressWarnings("NullAway") // passes null on purpose, to check the NullPointerException
  public void addShutdownCallIsRefusedForNullAfterShutdownAndForACallWithARunner()
      throws Exception {
    LoopPortal loop = loop("refusing-shutdown-calls");
    NullPointerException npe =
        assertThrows(NullPointerException.class, () -> loop.addShutdownCall(null));
    assertMessageContains(npe, "call");

    Call<String> claimed = Call.of(() -> "claimed");
    WorkerPortal other = loop("other-runner");
    claimed.setRunner(other);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> loop.addShutdownCall(claimed));
    assertMessageContains(e, "already submitted to");
    assertSame(other, claimed.runner().orElseThrow());

    loop.start();
    loop.shutdown();
    Call<String> late = Call.of(() -> "late");
    RejectedExecutionException rejected =
        assertThrows(RejectedExecutionException.class, () -> loop.addShutdownCall(late));
    assertMessageContains(rejected, "already shutting down");
    assertTrue(late.runner().isEmpty(), "the refused shutdown call was touched");
    assertFalse(late.isDone());
  }

  /** DESIGN.md: a shutdown call runs on the loop at shutdown, not before. */
  @Test
  public void aShutdownCallRunsOnTheLoopAtShutdownNotBefore() throws Exception {
    LoopPortal loop = loop("shutdown-call");
    AtomicBoolean inLoop = new AtomicBoolean();
    Call<String> shutdownCall =
        Call.of(
            "tck-shutdown-call",
            () -> {
              inLoop.set(loop.inLoop());
              return "bye";
            });
    loop.addShutdownCall(shutdownCall);
    assertEquals(2, loop.submit(() -> 2).result(Await.WAIT));
    assertFalse(shutdownCall.isDone(), "a shutdown call ran before shutdown");
    assertSame(loop, shutdownCall.runner().orElseThrow());

    loop.shutdown();
    assertTrue(loop.awaitTermination(Await.WAIT));
    assertEquals("bye", shutdownCall.result(Await.WAIT));
    assertTrue(inLoop.get(), "the shutdown call ran off the loop");
  }

  /** DESIGN.md: the shutdown calls of a loop that never started still run, on the loop. */
  @Test
  public void shutdownCallsOfALoopThatNeverStartedStillRunOnTheLoop() throws Exception {
    LoopPortal loop = loop("never-started");
    CompletableFuture<Boolean> ranInLoop = new CompletableFuture<>();
    loop.addShutdownCall(Call.of(() -> ranInLoop.complete(loop.inLoop())));
    loop.shutdown();
    assertTrue(loop.awaitTermination(Await.WAIT));
    assertTrue(Await.get(ranInLoop), "the shutdown call ran off the loop");
  }

  /** DESIGN.md: shutdown calls run in order; async ones are awaited. */
  @Test
  public void shutdownCallsRunInOrderAndAsyncOnesAreAwaited() throws Exception {
    LoopPortal loop = loop("ordered-shutdown");
    loop.start();
    List<String> order = new CopyOnWriteArrayList<>();
    CompletableFuture<String> asyncStage = new CompletableFuture<>();
    fixture.release(() -> asyncStage.complete("released"));
    CountDownLatch asyncStarted = fixture.latch();
    List<Call<?>> calls = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      int id = i;
      Call<?> call;
      if (id == 3) {
        call =
            Call.ofAsync(
                "tck-shutdown-3",
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
                "tck-shutdown-" + id,
                () -> {
                  order.add("shutdown-" + id);
                  return id;
                });
      }
      calls.add(call);
      loop.addShutdownCall(call);
    }
    loop.shutdown();
    Await.latch(asyncStarted, "the async shutdown call started");
    CallerThread completer =
        CallerThread.start(
            fixture, "tck-completer", () -> asyncStage.complete("completed from outside"));
    completer.result();

    assertTrue(loop.awaitTermination(Await.WAIT));
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

  /** DESIGN.md: the loop keeps turning while it awaits an async shutdown call. */
  @Test
  public void theLoopKeepsTurningWhileItAwaitsAnAsyncShutdownCall() throws Exception {
    LoopPortal loop = loop("turning");
    loop.start();
    CompletableFuture<String> stage = new CompletableFuture<>();
    fixture.release(() -> stage.complete("released"));
    CountDownLatch started = fixture.latch();
    Call<String> shutdownCall =
        Call.ofAsync(
            "tck-async-shutdown-call",
            () -> {
              started.countDown();
              return stage;
            });
    loop.addShutdownCall(shutdownCall);
    loop.shutdown();
    Await.latch(started, "the async shutdown call started");
    loop.execute(() -> stage.complete("completed on the loop")); // only the loop can run it
    assertEquals("completed on the loop", shutdownCall.result(Await.WAIT));
    assertTrue(loop.awaitTermination(Await.WAIT));
  }

  /** DESIGN.md: queued calls, then shutdown calls, then in-flight calls cancelled, then exit. */
  @Test
  public void shutdownRunsQueuedCallsThenShutdownCallsThenCancelsCallsInFlightThenExits()
      throws Exception {
    LoopPortal loop = loop("shutdown-order");
    Thread loopThread = threadOf(loop);
    List<String> events = new CopyOnWriteArrayList<>();
    CompletableFuture<String> never = new CompletableFuture<>();
    fixture.release(() -> never.complete("released"));
    Call<String> inFlight = Call.ofAsync("tck-in-flight", () -> never);
    inFlight.addCancelCallback(() -> events.add("cancel in-flight"));
    loop.submit(inFlight);
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    loop.submit(
        Call.of(
            "tck-blocker",
            () -> {
              started.countDown();
              Await.latch(release, "the blocker's release");
              return events.add("blocker");
            }));
    Await.latch(started, "the blocker started");
    for (int i = 1; i <= 3; i++) {
      int id = i;
      loop.submit(() -> events.add("queued-" + id));
    }
    AtomicBoolean inFlightDoneDuringShutdownCalls = new AtomicBoolean();
    for (int i = 1; i <= 2; i++) {
      int id = i;
      loop.addShutdownCall(
          Call.of(
              () -> {
                if (inFlight.isDone()) {
                  inFlightDoneDuringShutdownCalls.set(true);
                }
                return events.add("shutdown-" + id);
              }));
    }

    loop.shutdown();
    assertThrows(RejectedExecutionException.class, () -> loop.submit(() -> "late"));
    release.countDown();

    assertTrue(loop.awaitTermination(Await.WAIT));
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
    assertFalse(
        inFlightDoneDuringShutdownCalls.get(), "in-flight calls ended before the shutdown calls");
    assertTrue(inFlight.isCancelled());
    assertThrows(CallCancelledException.class, inFlight::result);
    assertTrue(never.isCancelled(), "the in-flight call's stage was not cancelled");
    if (portalOwnsOneThread()) {
      Await.join(loopThread);
    }
  }

  /** DESIGN.md: shutdown calls are forgotten once run. */
  @Test
  public void shutdownCallsAreForgottenOnceRun() throws Exception {
    LoopPortal loop = loop("forgetful");
    loop.start();
    CountDownLatch ran = fixture.latch();
    WeakReference<Call<?>> ref = addForgettableShutdownCall(loop, ran);
    System.gc();
    assertNotNull(ref.get(), "the loop dropped a shutdown call before running it");
    loop.shutdown();
    Await.latch(ran, "the shutdown call ran");
    assertTrue(loop.awaitTermination(Await.WAIT));
    long end = System.nanoTime() + Await.WAIT.toNanos();
    while (ref.get() != null) {
      if (System.nanoTime() - end > 0) {
        fail("the terminated loop still holds its shutdown call");
      }
      System.gc();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // polling a reference
    }
    Reference.reachabilityFence(loop);
  }

  private static WeakReference<Call<?>> addForgettableShutdownCall(
      LoopPortal loop, CountDownLatch ran) {
    byte[] ballast = new byte[1 << 20];
    Call<Integer> call =
        Call.of(
            "tck-forgettable",
            () -> {
              ran.countDown();
              return ballast.length;
            });
    loop.addShutdownCall(call);
    return new WeakReference<>(call);
  }

  /** DESIGN.md: a shutdown call still unfinished after the grace is cancelled. */
  @Test
  public void anAsyncShutdownCallStillUnfinishedAfterTheGraceIsCancelled() throws Exception {
    LoopPortal loop = loopWithShortGrace("grace-async");
    loop.start();
    CompletableFuture<String> never = new CompletableFuture<>();
    fixture.release(() -> never.complete("released"));
    Call<String> stuck = Call.ofAsync("tck-stuck-shutdown-call", () -> never);
    CompletableFuture<Boolean> nextSawStuckDone = new CompletableFuture<>();
    loop.addShutdownCall(stuck);
    loop.addShutdownCall(Call.of(() -> nextSawStuckDone.complete(stuck.isDone())));
    long start = System.nanoTime();

    loop.shutdown();

    assertTrue(loop.awaitTermination(Await.WAIT), "shutdown is not bounded by the grace");
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsedMillis >= 250, "cancelled before the grace ran out: " + elapsedMillis);
    assertTrue(stuck.isCancelled());
    assertTrue(never.isCancelled(), "the stuck call's stage was not cancelled");
    assertTrue(
        Await.get(nextSawStuckDone), "the next shutdown call ran before the stuck one ended");
  }

  /** DESIGN.md: the grace bounds every shutdown call, sync ones run inline included. */
  @Test
  public void aBlockingSyncShutdownCallIsInterruptedAndCancelledAfterTheGrace() throws Exception {
    LoopPortal loop = loopWithShortGrace("grace-sync");
    loop.start();
    CountDownLatch never = fixture.latch();
    AtomicBoolean interrupted = new AtomicBoolean();
    Call<Object> stuck =
        Call.of(
            "tck-blocking-shutdown-call",
            () -> {
              try {
                never.await(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
              }
              return null;
            });
    loop.addShutdownCall(stuck);

    loop.shutdown();

    assertTrue(
        loop.awaitTermination(Duration.ofSeconds(5)),
        "a blocking sync shutdown call held the loop past its grace");
    assertTrue(stuck.isCancelled());
    assertTrue(interrupted.get(), "the blocking shutdown call was not interrupted");
  }

  // ================================================================ FromSync on the loop

  /** DESIGN.md Deadlocks: FromSync on the loop's own thread runs the call inline. */
  @Test
  public void fromSyncOnTheLoopsOwnThreadRunsTheCallInline() throws Exception {
    LoopPortal loop = loop("inline");
    Thread loopThread = threadOf(loop);
    Thread ranOn =
        loop.submit(Call.of(() -> FromSync.callIn(loop, Thread::currentThread))).result(Await.WAIT);
    assertTrue(loop.submit(Call.of(() -> FromSync.callIn(loop, loop::inLoop))).result(Await.WAIT));
    if (portalOwnsOneThread()) {
      assertSame(loopThread, ranOn);
    }
    assertEquals(
        "ready",
        loop.submit(
                Call.of(
                    () ->
                        FromSync.callIn(
                            loop, Call.ofAsync(() -> CompletableFuture.completedFuture("ready")))))
            .result(Await.WAIT),
        "an async call whose stage is already complete finishes inline too");
  }

  /** FromSync of a pending async call on the loop's own thread fails fast (E58). */
  @Test
  public void fromSyncOfAPendingAsyncCallOnTheLoopsOwnThreadFailsFastAndCancelsIt()
      throws Exception {
    LoopPortal loop = loop("pending-async");
    CompletableFuture<String> never = new CompletableFuture<>();
    fixture.release(() -> never.complete("released"));
    Call<String> async = Call.ofAsync("tck-pending-async", () -> never);
    Call<String> waiting = loop.submit(Call.of(() -> FromSync.callIn(loop, async)));

    Throwable failure = failureOf(waiting);

    assertInstanceOf(IllegalStateException.class, failure);
    assertMessageContains(failure, "Use FromAsync on a loop thread", "tck-pending-async");
    assertTrue(async.isCancelled());
    assertTrue(never.isCancelled(), "the pending stage was not cancelled");
  }

  /** A blocking wait on the loop for an async call in flight there fails fast (E54). */
  @Test
  public void waitingOnTheLoopForAnAsyncCallInFlightThereFailsFast() throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    LoopPortal loop = loop("in-flight");
    Call<String> inFlight =
        Call.ofAsync(
            "tck-completed-by-the-loop",
            () -> {
              CompletableFuture<String> stage = new CompletableFuture<>();
              loop.execute(() -> stage.complete("done")); // only the loop can complete it
              return stage;
            });
    AtomicReference<String> threadName = new AtomicReference<>();
    Call<Object> blocked =
        Call.of(
            "tck-blocks-the-loop",
            () -> {
              threadName.set(Thread.currentThread().getName());
              try {
                return inFlight.result(Duration.ofSeconds(5)); // bounded so the test can end
              } catch (TimeoutException e) {
                return "hung until timeout";
              }
            });
    // On the loop: inFlight's function, then blocked, then (queued by the function) the task
    // that completes inFlight's stage. So blocked waits on the loop for what only it can finish.
    loop.submit(
            Call.of(
                () -> {
                  loop.submit(inFlight);
                  loop.submit(blocked);
                  return null;
                }))
        .result(Await.WAIT);

    DeadlockException e = assertInstanceOf(DeadlockException.class, failureOf(blocked));
    assertMessageContains(e, "can only finish on", inFlight.name(), threadName.get());
    assertEquals("done", inFlight.result(Await.WAIT));
  }

  // ================================================================ cycles (DeadlockCycleTest)

  /**
   * DESIGN.md Deadlocks, shape 1: loop code waits for a new thread, whose call waits for a call on
   * the loop, which could only run once the loop's own call returns (E61).
   */
  @Test
  public void aLoopWaitingForANewThreadThatWaitsForTheLoopFailsFastShowingTheCycle()
      throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    LoopPortal loop = loop("waits-for-new-thread");
    AtomicReference<Thread> newThread = new AtomicReference<>();
    Call<String> inner = Call.of("tck-needs-the-loop", () -> "later");
    Call<String> helper =
        Call.of(
            "tck-sync-helper",
            () -> {
              newThread.set(Thread.currentThread());
              return FromSync.callIn(loop, inner);
            });
    Call<String> onTheLoop =
        loop.submit(Call.of("tck-loop-code", () -> FromSync.callInNewThread(helper)));

    DeadlockException e = deadlockIn(failureOf(onTheLoop));
    assertShowsTheCycle(
        e, loop.name(), newThread.get().getName(), "tck-sync-helper", "tck-needs-the-loop");
    assertFalse(inner.isCancelled(), "the call is left alone: refused unqueued, or run later");
  }

  /** DESIGN.md Deadlocks, shape 3: loop A waits for loop B, which waits for loop A (E61). */
  @Test
  public void twoLoopsWaitingForEachOthersCallsFailFastShowingTheCycle() throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    LoopPortal a = loop("loop-a");
    LoopPortal b = loop("loop-b");
    AtomicReference<Call<String>> onA2 = new AtomicReference<>();
    Call<String> onB =
        Call.of(
            "tck-on-b",
            () -> {
              Call<String> queued = a.submit(Call.of("tck-on-a-2", () -> "later"));
              onA2.set(queued);
              return queued.result();
            });
    Call<String> onA = a.submit(Call.of("tck-on-a", () -> b.submit(onB).result()));

    DeadlockException e = deadlockIn(failureOf(onA));
    assertShowsTheCycle(e, a.name(), b.name(), "tck-on-b", "tck-on-a-2");
    assertEquals("later", onA2.get().result(Await.WAIT), "left alone, it ran once A was free");
  }

  /** DESIGN.md Deadlocks: no false alarm: a loop waiting for a new thread runs its callbacks. */
  @Test
  public void aLoopWaitingForANewThreadRunsTheCallbacksItSendsBack() throws Exception {
    LoopPortal loop = loop("callbacks-back");
    Call<Boolean> ranInLoop =
        loop.submit(
            Call.of(
                () ->
                    FromSync.callInNewThread(
                        () ->
                            Waiters.current()
                                .orElseThrow()
                                .submit(Call.of(loop::inLoop))
                                .result(Await.WAIT))));
    assertTrue(ranInLoop.result(Await.WAIT), "the callback did not run on the waiting loop");
  }

  /** DESIGN.md Deadlocks: no false alarm: the loop may wait for a call on a worker. */
  @Test
  public void waitingOnTheLoopForACallOnAWorkerIsNoDeadlock() throws Exception {
    LoopPortal loop = loop("waits-for-worker");
    WorkerPortal worker = runtimeWorker("worker");
    assertEquals(
        "fine",
        loop.submit(Call.of(() -> worker.submit(() -> "fine").result(Await.WAIT)))
            .result(Await.WAIT));
  }

  // ================================================================ waiters on the loop

  /** DESIGN.md Waiters: awaitAsync() on the loop runs the callbacks on that loop. */
  @Test
  public void anAsyncWaiterAwaitedOnTheLoopRunsItsCallbacksOnThatLoop() throws Exception {
    LoopPortal loop = loop("async-waiter");
    WorkerPortal worker = runtimeWorker("sender");
    Call<Boolean> parent =
        Call.of(
            "tck-sends-back",
            () -> Waiters.current().orElseThrow().submit(Call.of(loop::inLoop)).result(Await.WAIT));
    CompletionStage<Call<Boolean>> waited =
        loop.submit(
                Call.of(
                    () -> {
                      AsyncWaiter<Boolean> waiter = Waiters.async(parent);
                      worker.submit(parent);
                      return waiter.awaitAsync();
                    }))
            .result(Await.WAIT);
    assertTrue(Await.stage(waited).result(), "the callback ran off the awaiting loop");
  }

  /** DESIGN.md: FromAsync called on the loop returns at once and leaves the loop free. */
  @Test
  public void fromAsyncOnTheLoopReturnsAtOnceAndLeavesTheLoopFree() throws Exception {
    LoopPortal loop = loop("from-async");
    CountDownLatch bodyStarted = fixture.latch();
    CountDownLatch release = fixture.latch();
    CompletableFuture<String> pending =
        loop.submit(
                Call.of(
                    () ->
                        FromAsync.callInNewThread(
                            () -> {
                              bodyStarted.countDown();
                              Await.latch(release, "the release of the slow call");
                              return "slow";
                            })))
            .result(Await.WAIT);
    Await.latch(bodyStarted, "the call in a new thread started");
    assertEquals("other", loop.submit(() -> "other").result(Await.WAIT), "the loop is blocked");
    assertFalse(pending.isDone());
    release.countDown();
    assertEquals("slow", Await.get(pending));
  }
}

package org.portal4j.test.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.test.tck.Outcomes.assertMessageContains;
import static org.portal4j.test.tck.Outcomes.assertShowsTheCycle;
import static org.portal4j.test.tck.Outcomes.deadlockIn;
import static org.portal4j.test.tck.Outcomes.failureOf;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.DeadlockException;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * The conformance suite for worker portals ({@link PortalKind#WORKER}): everything of {@link
 * PortalTck}, made with {@link PortalProvider#newWorker}, plus what is particular to workers: an
 * async call occupies the worker only while its function runs, and waits that would close a cycle
 * across workers (and between a worker and an event loop) fail fast with a {@link
 * DeadlockException} that shows the cycle.
 *
 * <p>To check your provider, extend this class in your tests and say which provider:
 *
 * <pre>{@code
 * class MyWorkerPortalConformanceTest extends WorkerPortalTck {
 *   @Override
 *   protected PortalProvider provider() {
 *     return new MyPortalProvider();
 *   }
 * }
 * }</pre>
 *
 * Override a capability hook ({@link #portalOwnsOneThread()}, {@link
 * #threadDaemonFlagFollowsOptions()}, {@link #detectsDeadlocks()}, {@link #generatedNamePrefix()})
 * only for what your portals legitimately do otherwise; the tests that need it are then reported as
 * skipped. Tests that need an event loop too take it from the runtime ({@link
 * Portals#newEventLoopThread}).
 *
 * @since 0.1
 */
public abstract class WorkerPortalTck extends PortalTck {

  /** For subclasses, which say which {@link #provider()} to check. */
  protected WorkerPortalTck() {}

  /**
   * {@inheritDoc}
   *
   * @return {@code "WorkerThread"}, as DESIGN.md says
   */
  @Override
  protected String generatedNamePrefix() {
    return "WorkerThread";
  }

  @Override
  final WorkerPortal newPortal(PortalOptions options) {
    PortalProvider provider = provider();
    assertTrue(
        provider.kinds().contains(PortalKind.WORKER),
        provider.name() + " does not make WORKER portals: " + provider.kinds());
    return provider.newWorker(options);
  }

  /** A worker of the provider named {@code unique(what)}, ended after the test. */
  private WorkerPortal worker(String what) {
    return portal(what);
  }

  /** An event loop of the runtime, ended after the test. */
  private LoopPortal runtimeLoop(String what) {
    return fixture.portal(
        Portals.newEventLoopThread(PortalOptions.builder().name(unique(what)).build()));
  }

  // ================================================================ async calls

  /** WorkerPortal: an async call occupies the worker only while its function runs. */
  @Test
  public void anAsyncCallOccupiesTheWorkerOnlyWhileItsFunctionRuns() throws Exception {
    WorkerPortal worker = worker("async");
    CompletableFuture<String> stage = new CompletableFuture<>();
    fixture.release(() -> stage.complete("released"));
    Call<String> async = worker.submit(Call.ofAsync("tck-async", () -> stage));

    assertEquals("later", worker.submit(() -> "later").result(Await.WAIT));
    assertFalse(async.isDone(), "the async call ended before its stage");
    assertTrue(async.isRunning());
    stage.complete("done");
    assertEquals("done", async.result(Await.WAIT));
  }

  // ================================================================ deadlocks on this worker

  /** A FromSync wait on the worker's own thread is refused unqueued (docs/errors.md E57). */
  @Test
  public void fromSyncToTheWorkersOwnPortalFailsFastAndNeitherQueuesNorTouchesTheCall()
      throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal worker = worker("own-from-sync");
    AtomicBoolean innerRan = new AtomicBoolean();
    Call<String> inner =
        Call.of(
            "tck-orphan",
            () -> {
              innerRan.set(true);
              return "inner";
            });
    Call<String> outer = worker.submit(Call.of("tck-outer", () -> FromSync.callIn(worker, inner)));

    DeadlockException e = assertInstanceOf(DeadlockException.class, failureOf(outer));
    assertMessageContains(e, "it was not submitted", "tck-orphan");
    worker.submit(() -> "marker").result(Await.WAIT); // FIFO: anything queued before it has run
    assertFalse(innerRan.get(), "the call FromSync refused to wait for ran anyway");
    assertFalse(inner.isDone(), "the refused call is left alone: the caller decides");
    assertTrue(inner.runner().isEmpty(), "the refused call was submitted");
  }

  // ================================================================ cycles (DeadlockCycleTest)

  /** DESIGN.md Deadlocks, shape 2: worker A calls into worker B, which calls back into A (E61). */
  @Test
  public void twoWorkersCallingIntoEachOtherFailFastShowingTheCycle() throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal a = worker("worker-a");
    WorkerPortal b = worker("worker-b");
    Call<String> backIntoA = Call.of("tck-back-into-a", () -> "never");
    Call<String> onB = Call.of("tck-on-b", () -> FromSync.callIn(a, backIntoA));
    Call<String> onA = a.submit(Call.of("tck-on-a", () -> FromSync.callIn(b, onB)));

    DeadlockException e = deadlockIn(failureOf(onA));
    assertShowsTheCycle(e, a.name(), b.name(), "tck-on-b", "tck-back-into-a");
    assertFalse(backIntoA.isCancelled(), "the call is left alone");
  }

  /** DESIGN.md Deadlocks: a ring of three workers; the message lists every thread. */
  @Test
  public void threeWorkersInARingFailFastAndTheMessageListsEveryThread() throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal a = worker("ring-a");
    WorkerPortal b = worker("ring-b");
    WorkerPortal c = worker("ring-c");
    Call<String> backToA = Call.of("tck-back-to-a", () -> "ran later");
    Call<String> onC = Call.of("tck-on-c", () -> a.submit(backToA).result());
    Call<String> onB = Call.of("tck-on-b", () -> c.submit(onC).result());
    Call<String> onA = a.submit(Call.of("tck-on-a", () -> b.submit(onB).result()));

    DeadlockException e = deadlockIn(failureOf(onA));
    assertShowsTheCycle(e, a.name(), b.name(), c.name(), "tck-on-b", "tck-on-c", "tck-back-to-a");
    assertEquals("ran later", backToA.result(Await.WAIT), "left alone, it ran once A was free");
  }

  /**
   * DESIGN.md Deadlocks, shape 1 with this worker as the other thread: a loop waits for a call on
   * the worker, whose call waits for a call on that loop.
   */
  @Test
  public void aLoopWaitingForTheWorkerThatWaitsForTheLoopFailsFastShowingTheCycle()
      throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    LoopPortal loop = runtimeLoop("loop");
    WorkerPortal worker = worker("helper");
    AtomicReference<Thread> workerThread = new AtomicReference<>();
    Call<String> inner = Call.of("tck-needs-the-loop", () -> "later");
    Call<String> helper =
        Call.of(
            "tck-sync-helper",
            () -> {
              workerThread.set(Thread.currentThread());
              return FromSync.callIn(loop, inner);
            });
    Call<String> onTheLoop =
        loop.submit(Call.of("tck-loop-code", () -> FromSync.callIn(worker, helper)));

    DeadlockException e = deadlockIn(failureOf(onTheLoop));
    assertShowsTheCycle(
        e, loop.name(), workerThread.get().getName(), "tck-sync-helper", "tck-needs-the-loop");
    assertFalse(inner.isCancelled(), "the call is left alone: refused unqueued, or run later");
  }

  /** DESIGN.md Calls: the future view of a call makes the same cycle check as result(). */
  @Test
  public void theFutureViewOfACallMakesTheSameCycleCheck() throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal a = worker("view-a");
    WorkerPortal b = worker("view-b");
    Call<String> onB =
        Call.of(
            "tck-on-b",
            () -> a.submit(Call.of("tck-on-a-2", () -> "x")).toCompletableFuture().join());
    Call<String> onA =
        a.submit(Call.of("tck-on-a", () -> b.submit(onB).toCompletableFuture().get()));

    assertShowsTheCycle(deadlockIn(failureOf(onA)), a.name(), b.name(), "tck-on-b", "tck-on-a-2");
  }

  /** DESIGN.md Deadlocks: a wait with a patience that would close a cycle fails fast too. */
  @Test
  public void aWaitThatWouldCloseACycleFailsEvenWhileTheOtherSideWaitsWithAPatience()
      throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal a = worker("patient-a");
    WorkerPortal b = worker("patient-b");
    Duration patience = Duration.ofMinutes(5);
    Call<String> onB =
        Call.of("tck-on-b", () -> a.submit(Call.of("tck-on-a-2", () -> "x")).result(patience));
    Call<String> onA = a.submit(Call.of("tck-on-a", () -> b.submit(onB).result(patience)));

    DeadlockException e = deadlockIn(failureOf(onA));
    assertInstanceOf(IllegalStateException.class, e);
    assertShowsTheCycle(e, a.name(), b.name());
  }

  /** DESIGN.md Deadlocks: a chain of waits that ends elsewhere is no deadlock. */
  @Test
  public void waitingOnAnotherWorkerThatWaitsForSomethingElseIsNoDeadlock() throws Exception {
    WorkerPortal a = worker("chain-a");
    WorkerPortal b = worker("chain-b");
    WorkerPortal c = worker("chain-c");
    CountDownLatch release = fixture.latch();
    Call<String> onC =
        c.submit(
            Call.of(
                "tck-on-c",
                () -> {
                  Await.latch(release, "the release of the chain");
                  return "c";
                }));
    Call<String> onB = b.submit(Call.of("tck-on-b", () -> onC.result() + "b"));
    Call<String> onA = a.submit(Call.of("tck-on-a", () -> onB.result() + "a"));
    release.countDown();
    assertEquals("cba", onA.result(Await.WAIT));
  }
}

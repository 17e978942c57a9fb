package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.await;
import static org.portal4j.core.CallTestSupport.awaitIgnoringInterrupts;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.internal.RuntimeBinding;
import org.portal4j.internal.WithdrawableCall;
import org.portal4j.spi.PortalHandle;
import org.portal4j.spi.support.AbstractWorkerPortal;
import org.portal4j.test.CheckThreadLeaks;
import org.slf4j.LoggerFactory;

/**
 * {@code AbstractWorkerPortal.submit(Call)} takes the runtime's own calls without the lifecycle
 * lock while the portal runs: it sets the runner, offers the call, then reads the state again, and
 * settles under the lock if the state changed meanwhile. Each test forces one late path: the call
 * ({@link RacingCall}) does the racing thing in {@code setRunner}, which the submit calls after its
 * first read of the state and before its offer, so the offer surely comes after the race.
 *
 * <p>The one late path these tests cannot force is a call offered ahead of the shutdown's marker
 * that still finds the state changed: the shutdown must come between the offer and the second read
 * of the state, and no code the test owns runs on the submitting thread there ({@code
 * TaskQueue.offer} stores the call and calls nothing). {@code PortalLifecycleModelTest} explores
 * that interleaving.
 */
@CheckThreadLeaks
@Timeout(60)
class RacingShutdownSubmitTest {

  private static final Executor ON_THE_CALLER = Runnable::run;

  private final List<WorkerPortal> portals = new CopyOnWriteArrayList<>();
  private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Runnable> cleanUps = new CopyOnWriteArrayList<>();

  @AfterEach
  void cleanUp() throws InterruptedException {
    latches.forEach(CountDownLatch::countDown);
    for (Thread thread : threads) {
      CallTestSupport.join(thread);
    }
    cleanUps.forEach(Runnable::run);
    for (WorkerPortal portal : portals) {
      portal.shutdown();
    }
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    }
  }

  // ------------------------------------------------------------------ plumbing

  private CountDownLatch latch() {
    CountDownLatch latch = new CountDownLatch(1);
    latches.add(latch);
    return latch;
  }

  private static PortalOptions named(String name) {
    return PortalOptions.builder().name(name + "-" + System.nanoTime()).daemon(true).build();
  }

  private <P extends WorkerPortal> P track(P portal) {
    portals.add(portal);
    return portal;
  }

  /** A portal over an executor that runs each drain on the thread that hands it over. */
  private AbstractWorkerPortal onTheCaller(String name) {
    return track(new AbstractWorkerPortal(named(name), "x", ON_THE_CALLER) {});
  }

  /** The portals with a thread of their own. */
  enum Kind {
    WORKER,
    LOOP
  }

  private AbstractWorkerPortal threadPortal(Kind kind, String name) {
    return track(
        kind == Kind.WORKER
            ? new WorkerThreadPortal(named(name + "-worker"))
            : new EventLoopPortal(named(name + "-loop")));
  }

  /** Makes {@code portal}'s thread run a call that ignores interrupts until {@code release}. */
  private static void occupy(Portal portal, CountDownLatch release) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    portal.submit(
        Call.of(
            "occupies-" + portal.name(),
            () -> {
              started.countDown();
              return awaitIgnoringInterrupts(release);
            }));
    await(started, portal.name() + " to run the occupying call");
  }

  private static PortalHandle handleOf(Portal portal) {
    CorePortalSupport support = (CorePortalSupport) RuntimeBinding.runtime().portalSupport();
    return support.live().snapshot().stream()
        .filter(h -> h.portal() == portal)
        .findFirst()
        .orElseThrow(() -> new AssertionError(portal + " is not registered as live"));
  }

  private static CallCancelledException cancellationOf(Call<?> call) {
    return assertThrows(CallCancelledException.class, () -> call.result(WAIT), call.toString());
  }

  private static void assertUntouched(Call<?> call) {
    assertEquals(Optional.empty(), call.runner(), "the refused call kept a runner");
    assertFalse(call.isDone(), "the refused call was ended");
    assertFalse(call.isRunning(), "the refused call was run");
  }

  private static String warningOf(Portal portal, int cancelled, int dropped) {
    return portal.name()
        + " cancelled "
        + cancelled
        + " call(s) and dropped "
        + dropped
        + " task(s) queued as it terminated";
  }

  private static List<String> warningsAbout(LogCapture logs, Portal portal) {
    List<String> about = new ArrayList<>();
    for (String message : logs.messages(Level.WARN)) {
      if (message.contains(portal.name())) {
        about.add(message);
      }
    }
    return about;
  }

  /**
   * A call of the runtime's own kind ({@link WithdrawableCall}), so that a running portal takes it
   * without its lock, whose first {@code setRunner} first runs {@code race}: after the submit's
   * first read of the state, before its offer. Everything else is the real call's.
   */
  static final class RacingCall<T> implements Call<T>, WithdrawableCall {
    private final CapturedCall<T> real;
    private final AtomicReference<Runnable> race;
    private final AtomicReference<Runnable> beforeCancel = new AtomicReference<>();
    private final List<String> ranOn = new CopyOnWriteArrayList<>();

    RacingCall(String name, Callable<T> fn, Runnable race) {
      this.real =
          CapturedCall.sync(
              name,
              () -> {
                ranOn.add(Thread.currentThread().getName());
                return fn.call();
              });
      this.race = new AtomicReference<>(race);
    }

    /** The names of the threads its function ran on. */
    List<String> ranOn() {
      return List.copyOf(ranOn);
    }

    /** Whether the race ran: the submit took the way without the lock and reached setRunner. */
    boolean raced() {
      return race.get() == null;
    }

    @Override
    public void setRunner(Portal portal) {
      Runnable r = race.getAndSet(null);
      if (r != null) {
        r.run();
      }
      real.setRunner(portal);
    }

    @Override
    public void withdrawFrom(Portal portal) {
      real.withdrawFrom(portal);
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public Call<T> setTimeout(Duration timeout) {
      real.setTimeout(timeout);
      return this;
    }

    @Override
    public Optional<Duration> timeout() {
      return real.timeout();
    }

    @Override
    public Optional<Portal> runner() {
      return real.runner();
    }

    @Override
    public CompletionStage<Void> run() {
      return real.run();
    }

    @Override
    public T result() {
      return real.result();
    }

    @Override
    public T result(Duration wait) throws TimeoutException {
      return real.result(wait);
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
      return real.toCompletableFuture();
    }

    @Override
    public boolean cancel() {
      return real.cancel();
    }

    @Override
    public boolean cancel(Throwable cause) {
      Runnable r = beforeCancel.getAndSet(null);
      if (r != null) {
        r.run();
      }
      return real.cancel(cause);
    }

    /** Runs {@code action} once, before the first {@code cancel(cause)}. */
    RacingCall<T> beforeCancel(Runnable action) {
      beforeCancel.set(action);
      return this;
    }

    @Override
    public boolean isCancelled() {
      return real.isCancelled();
    }

    @Override
    public boolean isTimedOut() {
      return real.isTimedOut();
    }

    @Override
    public boolean isDone() {
      return real.isDone();
    }

    @Override
    public boolean isRunning() {
      return real.isRunning();
    }

    @Override
    public void addCancelCallback(Runnable callback) {
      real.addCancelCallback(callback);
    }

    @Override
    public void addDoneCallback(Consumer<? super Call<T>> callback) {
      real.addDoneCallback(c -> callback.accept(this));
    }

    @Override
    public String toString() {
      return "RacingCall[" + real + "]";
    }
  }

  private static RacingCall<String> racing(String name, Runnable race) {
    return new RacingCall<>(name, () -> Thread.currentThread().getName(), race);
  }

  private static void shutDownAndAwait(WorkerPortal portal) {
    portal.shutdown();
    try {
      assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ behind the shutdown's marker

  @Test
  void aSubmitThatLosesTheRaceToAShutdownIsRefusedLeavesTheCallUntouchedAndItRunsOnAnotherPortal()
      throws Exception {
    AbstractWorkerPortal portal = onTheCaller("loses-to-shutdown");
    portal.start();
    // The shutdown drains on this thread: terminated, and the queue marked drained, before the
    // offer.
    RacingCall<String> call = racing("late", () -> shutDownAndAwait(portal));

    try (LogCapture logs = LogCapture.start()) {
      assertThrows(RejectedExecutionException.class, () -> portal.submit(call));
      assertTrue(call.raced(), "the submit did not take the call without the lock");
      assertUntouched(call);
      assertEquals(List.of(), warningsAbout(logs, portal), "nothing was left to end or count");
    }

    WorkerThreadPortal other = track(new WorkerThreadPortal(named("takes-it-after")));
    assertSame(call, other.submit(call));
    assertEquals(other.name(), call.result(WAIT), "it runs on the other portal");
    assertEquals(List.of(other.name()), call.ranOn(), "it ran once, and only there");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aCallRefusedBehindTheShutdownsMarkerIsPassedOverByTheConsumerAndRunsOnAnotherPortal(
      Kind kind) throws Exception {
    AbstractWorkerPortal portal = threadPortal(kind, "passes-over");
    CountDownLatch releasePortal = latch();
    occupy(portal, releasePortal); // the marker and the call wait behind this
    RacingCall<String> call = racing("behind-the-marker", portal::shutdown);

    assertThrows(RejectedExecutionException.class, () -> portal.submit(call));
    assertTrue(call.raced(), "the submit did not take the call without the lock");
    assertUntouched(call);
    assertFalse(handleOf(portal).calls().contains(call), "the refused call is listed as queued");

    // Queued on another portal that cannot run it yet, while the first one drains past it.
    WorkerThreadPortal other = track(new WorkerThreadPortal(named("takes-it-after")));
    CountDownLatch releaseOther = latch();
    occupy(other, releaseOther);
    other.submit(call);
    releasePortal.countDown();
    assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    assertEquals(List.of(), call.ranOn(), "the portal that refused the call ran it");
    assertFalse(call.isDone(), "the portal that refused the call ended it");

    releaseOther.countDown();
    assertEquals(other.name(), call.result(WAIT), "it runs on the other portal");
    assertEquals(List.of(other.name()), call.ranOn(), "it ran once, and only there");
  }

  @Test
  void aCallRefusedBehindTheShutdownsMarkerIsNeitherListedNorCancelledByALaterAbandon()
      throws Exception {
    WorkerThreadPortal portal = track(new WorkerThreadPortal(named("abandoned-after-refusing")));
    CountDownLatch releasePortal = latch();
    occupy(portal, releasePortal);
    RacingCall<String> call = racing("behind-the-marker", portal::shutdown);
    assertThrows(RejectedExecutionException.class, () -> portal.submit(call));
    assertTrue(call.raced(), "the submit did not take the call without the lock");
    PortalHandle handle = handleOf(portal);

    assertFalse(handle.calls().contains(call), "the refused call is listed as the portal's");
    int cancelled = handle.abandon(new CallCancelledException("The JVM exited"));

    assertEquals(1, cancelled, "only the running call is the abandoned portal's to cancel");
    assertUntouched(call);
    WorkerThreadPortal other = track(new WorkerThreadPortal(named("takes-it-after")));
    assertEquals(other.name(), other.submit(call).result(WAIT), "it runs on the other portal");
    releasePortal.countDown();
    assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    assertEquals(List.of(other.name()), call.ranOn(), "it ran once, and only there");
  }

  // ------------------------------------------------------------------ a failed start

  /** How the portal that the submit races fails to start. */
  enum FailedStart {
    WORKER_ON_START_THROWS,
    LOOP_ON_START_THROWS,
    EXECUTOR_REFUSES_THE_FIRST_DRAIN
  }

  /**
   * A started portal whose start fails once {@code go} opens; returns the failure it fails with.
   */
  private AbstractWorkerPortal failingToStart(
      FailedStart how, CountDownLatch go, RuntimeException failure) throws Exception {
    switch (how) {
      case WORKER_ON_START_THROWS:
        {
          AbstractWorkerPortal portal =
              track(
                  new WorkerThreadPortal(named("fails-on-start")) {
                    @Override
                    protected void onStart() throws Exception {
                      await(go, "go");
                      throw failure;
                    }
                  });
          portal.start(); // a worker's start does not wait for onStart
          return portal;
        }
      case LOOP_ON_START_THROWS:
        {
          EventLoopPortal loop =
              track(
                  new EventLoopPortal(named("fails-on-loop-start")) {
                    @Override
                    protected void onLoopStart() throws Exception {
                      await(go, "go");
                      throw failure;
                    }
                  });
          loop.execute(() -> {}); // starts the loop without waiting for it to be ready
          return loop;
        }
      case EXECUTOR_REFUSES_THE_FIRST_DRAIN:
        {
          CountDownLatch handedOver = new CountDownLatch(1);
          AbstractWorkerPortal portal =
              track(
                  new AbstractWorkerPortal(
                      named("refused-first-drain"),
                      "x",
                      task -> {
                        handedOver.countDown();
                        try {
                          await(go, "go");
                        } catch (InterruptedException e) {
                          throw new AssertionError(e);
                        }
                        throw failure;
                      }) {});
          AtomicReference<Throwable> thrown = new AtomicReference<>();
          Thread starter =
              new Thread(
                  () -> {
                    try {
                      portal.start();
                    } catch (Throwable t) {
                      thrown.set(t);
                    }
                  },
                  "starts-" + portal.name());
          threads.add(starter);
          starter.start();
          await(handedOver, "the first drain handed to the executor");
          cleanUps.add(
              () -> assertSame(failure, thrown.get(), "start() did not rethrow the refusal"));
          return portal;
        }
      default:
        throw new AssertionError(how);
    }
  }

  @ParameterizedTest
  @EnumSource(FailedStart.class)
  void aSubmitRacingAFailedStartEndsTheCallCancelledWithTheFailureAsCause(FailedStart how)
      throws Exception {
    CountDownLatch go = latch();
    IllegalStateException failure = new IllegalStateException("start-up failed");
    AbstractWorkerPortal portal = failingToStart(how, go, failure);
    assertTrue(portal.isRunning(), "the portal is starting");
    RacingCall<String> call =
        racing(
            "races-the-failure",
            () -> {
              go.countDown();
              try { // failed, its queue marked drained: nothing will take the call from it now
                assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not end");
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });

    try (LogCapture logs = LogCapture.start()) {
      assertSame(call, portal.submit(call), "a portal that failed without a shutdown took it");
      assertTrue(call.raced(), "the submit did not take the call without the lock");
      assertTrue(call.isDone(), "the call was left pending");
      assertSame(failure, cancellationOf(call).getCause(), "the cause of the cancellation");
      assertTrue(
          warningsAbout(logs, portal).contains(warningOf(portal, 1, 0)),
          "the call it ended is counted in a WARN: " + warningsAbout(logs, portal));
    }
    assertSame(portal, call.runner().orElseThrow(), "a call taken keeps its runner");
    assertEquals(List.of(), call.ranOn(), "a call of a portal that failed to start ran");
  }

  @Test
  void aSubmitRacingAFailedStartBeforeItsQueueIsMarkedDrainedIsCancelledByTheFailingStart()
      throws Exception {
    CountDownLatch go = latch();
    IllegalStateException failure = new IllegalStateException("start-up failed");
    AbstractWorkerPortal portal = failingToStart(FailedStart.WORKER_ON_START_THROWS, go, failure);
    // Holds the failing thread in failStart's ERROR: terminated, its queue not yet ended or
    // drained.
    CountDownLatch failing = latch();
    CountDownLatch proceed = latch();
    holdOnLog(portal.name() + " failed to start", failing, proceed);
    RacingCall<String> call =
        racing(
            "races-the-failure",
            () -> {
              go.countDown();
              try {
                await(failing, portal.name() + " to fail");
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });

    try (LogCapture logs = LogCapture.start()) {
      assertSame(call, portal.submit(call), "a portal that failed without a shutdown took it");
      assertTrue(call.raced(), "the submit did not take the call without the lock");
      assertFalse(call.isDone(), "the failing start, not the submitter, ends it");

      proceed.countDown();
      assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not end");
      assertSame(failure, cancellationOf(call).getCause(), "the cause of the cancellation");
      assertTrue(
          warningsAbout(logs, portal)
              .contains(portal.name() + " cancelled 1 call(s) it had taken: it failed to start"),
          "the failing start counts it: " + warningsAbout(logs, portal));
    }
    assertEquals(List.of(), call.ranOn(), "a call of a portal that failed to start ran");
  }

  /** Blocks whichever thread logs {@code message} until {@code proceed} opens. */
  private void holdOnLog(String message, CountDownLatch reached, CountDownLatch proceed) {
    Logger logger = (Logger) LoggerFactory.getLogger("org.portal4j");
    AppenderBase<ILoggingEvent> hold =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().equals(message)) {
              reached.countDown();
              try {
                await(proceed, "the test to let the logging thread go on");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    hold.start();
    logger.addAppender(hold);
    cleanUps.add(() -> logger.detachAppender(hold));
  }

  // ------------------------------------------------------------------ an abandon

  @Test
  void aSubmitRacingAnAbandonOfABusyPortalEndsTheCallCancelledAndTheAbandonedPortalNeverRunsIt()
      throws Exception {
    WorkerThreadPortal portal = track(new WorkerThreadPortal(named("abandoned-busy")));
    CountDownLatch releasePortal = latch();
    occupy(portal, releasePortal); // its thread will not drain until released
    CallCancelledException exited = new CallCancelledException("The JVM exited");
    PortalHandle handle = handleOf(portal);
    RacingCall<String> call = racing("races-the-abandon", () -> handle.abandon(exited));

    assertSame(call, portal.submit(call), "an abandon is no shutdown: the portal took it");
    assertTrue(call.raced(), "the submit did not take the call without the lock");
    assertTrue(call.isDone(), "the call was left pending on an abandoned portal");
    assertSame(exited, cancellationOf(call).getCause(), "the cause of the cancellation");

    releasePortal.countDown();
    assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    assertEquals(List.of(), call.ranOn(), "the abandoned portal ran the call");
  }

  @Test
  void aSubmitRacingAnAbandonThatEndedThePortalEndsTheCallCancelledAndCountsItInAWarn()
      throws Exception {
    AbstractWorkerPortal portal = onTheCaller("abandoned-ended");
    portal.start();
    CallCancelledException exited = new CallCancelledException("The JVM exited");
    PortalHandle handle = handleOf(portal);
    // The abandon's wake-up drains on this thread: terminated and marked drained before the offer.
    RacingCall<String> call =
        racing(
            "races-the-abandon",
            () -> {
              assertEquals(0, handle.abandon(exited));
              assertTrue(portal.isTerminated(), portal.name() + " did not end");
            });

    try (LogCapture logs = LogCapture.start()) {
      assertSame(call, portal.submit(call), "an abandon is no shutdown: the portal took it");
      assertTrue(call.raced(), "the submit did not take the call without the lock");
      assertSame(exited, cancellationOf(call).getCause(), "the cause of the cancellation");
      assertEquals(
          List.of(warningOf(portal, 1, 0)),
          warningsAbout(logs, portal),
          "the call it ended is counted in a WARN");
    }
    assertEquals(List.of(), call.ranOn(), "the abandoned portal ran the call");
  }

  // ------------------------------------------------------------------ abandon, counted

  /**
   * The abandon counts what it cancels (the runtime logs that count at JVM exit); a late call that
   * the submitter cancels itself in {@code settleLate} (queue not yet drained) is counted in a WARN
   * of its own, as it is in {@code endLeft}'s once the queue was marked drained.
   */
  @Test
  void aLateCallCancelledForTheAbandonItRacedIsCountedInAWarn() throws Exception {
    WorkerThreadPortal portal = track(new WorkerThreadPortal(named("abandoned-uncounted")));
    CountDownLatch releasePortal = latch();
    occupy(portal, releasePortal);
    PortalHandle handle = handleOf(portal);
    AtomicReference<Integer> counted = new AtomicReference<>();
    RacingCall<String> call =
        racing(
            "races-the-abandon",
            () -> counted.set(handle.abandon(new CallCancelledException("The JVM exited"))));

    try (LogCapture logs = LogCapture.start()) {
      portal.submit(call);
      assertTrue(call.isCancelled());
      releasePortal.countDown();
      assertTrue(portal.awaitTermination(WAIT));
      assertEquals(1, counted.get(), "the abandon counted the running call");
      assertTrue(
          warningsAbout(logs, portal).stream().anyMatch(m -> m.contains("cancelled 1 call(s)")),
          "the late call it cancelled is counted nowhere: " + warningsAbout(logs, portal));
    }
  }

  /**
   * The consumer of an abandoned portal cancels, not runs, a call that was offered after the
   * abandon looked at the queue, if it reaches the call before its submitter cancels it. Forced
   * through the call's {@code cancel(cause)}, which the submitter calls after its offer: there the
   * portal's thread is let go and reaches the call first.
   */
  @Test
  void aLateCallOnAnAbandonedPortalNeverRunsThere() throws Exception {
    WorkerThreadPortal portal = track(new WorkerThreadPortal(named("abandoned-runs-it")));
    CountDownLatch releasePortal = latch();
    occupy(portal, releasePortal);
    PortalHandle handle = handleOf(portal);
    CallCancelledException exited = new CallCancelledException("The JVM exited");
    RacingCall<String> call =
        new RacingCall<>(
                "races-the-abandon",
                () -> Thread.currentThread().getName(),
                () -> handle.abandon(exited))
            .beforeCancel(
                () -> { // the submitter's cancel, after its offer: the portal's thread goes first
                  releasePortal.countDown();
                  try {
                    assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not end");
                  } catch (InterruptedException e) {
                    throw new AssertionError(e);
                  }
                });

    portal.submit(call);
    assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");

    assertTrue(call.isCancelled(), "the late call was not cancelled");
    assertEquals(List.of(), call.ranOn(), "the abandoned portal ran the late call");
  }
}

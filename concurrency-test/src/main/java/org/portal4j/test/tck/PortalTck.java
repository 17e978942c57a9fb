package org.portal4j.test.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.test.tck.Outcomes.assertMessageContains;
import static org.portal4j.test.tck.Outcomes.failureOf;

import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.ContextKey;
import org.portal4j.DeadlockException;
import org.portal4j.FromSync;
import org.portal4j.PortalOptions;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * The part of the portal contract (DESIGN.md, "Calls" and "Portals") that workers and event loops
 * share: starting, ordering, run-once, shutdown, refused submits, names and daemon flag, context,
 * failures and callbacks, cancellation, interrupts, deadlock checks on the portal's own thread, and
 * huge, zero and negative durations. Every test ends everything it made and checks that no platform
 * thread it started is left ({@link CheckThreadLeaks}).
 *
 * <p>Do not extend this class: extend {@link WorkerPortalTck} or {@link LoopPortalTck}, which add
 * the contract of their kind and make the portals under test from your {@link #provider()}.
 *
 * <h2>Capabilities</h2>
 *
 * A few tests check what only some portals can do. Each such test asks a hook first and, when the
 * hook says the portal cannot, is reported as skipped (aborted) with the hook's name, never passed;
 * a test about something else leaves out only the assertions the hook rules out (such as "on the
 * same thread" in the ordering test):
 *
 * <ul>
 *   <li>{@link #portalOwnsOneThread()}: the portal runs its calls on one thread of its own, named
 *       after it, that ends when it terminates (a portal over a shared pool does not);
 *   <li>{@link #threadDaemonFlagFollowsOptions()}: that thread's daemon flag is the portal's
 *       (virtual threads are always daemons);
 *   <li>{@link #detectsDeadlocks()}: a blocking wait that could only end on the portal's thread
 *       fails fast ({@link org.portal4j.spi.ThreadBoundPortal}).
 * </ul>
 *
 * <p>The suite needs the runtime ({@code concurrency-core}) on the test class path: the calls it
 * submits are the runtime's. Tests must not run in parallel in one JVM (the thread-leak check
 * compares the JVM's threads).
 *
 * @since 0.1
 */
@CheckThreadLeaks
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class PortalTck {

  /** The documented message of a second submit to a run-once portal (docs/errors.md E38, E39). */
  static final String RUN_ONCE_MESSAGE =
      "Worker configured to only run once. A call has already been submitted.";

  /** Durations too large to count in nanoseconds: they mean forever. */
  static final List<Duration> HUGE =
      List.of(Duration.ofSeconds(Long.MAX_VALUE), ChronoUnit.FOREVER.getDuration());

  /** Zero and negative patience: do not wait. */
  static final List<Duration> NO_PATIENCE =
      List.of(Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(Long.MIN_VALUE));

  private static final AtomicLong NAMES = new AtomicLong();

  /** What the running test made; ended after it. */
  final TckFixture fixture = new TckFixture();

  /** Only {@link WorkerPortalTck} and {@link LoopPortalTck} extend this class. */
  PortalTck() {}

  // ---------------------------------------------------------------- what a backend author writes

  /**
   * The provider under test. Called for every portal a test makes; returning a new instance each
   * time is fine.
   *
   * @return the provider
   */
  protected abstract PortalProvider provider();

  /**
   * Whether each portal runs all its calls on one thread of its own: a thread named after the
   * portal (its name contains {@link WorkerPortal#name()}), not started before the portal is, and
   * ended once {@link WorkerPortal#awaitTermination} returns true. True by default; a portal over a
   * shared pool or an executor it does not own returns false, and the tests that need it are
   * skipped.
   *
   * @return whether portals own one thread
   */
  protected boolean portalOwnsOneThread() {
    return true;
  }

  /**
   * Whether the daemon flag of the portal's thread is {@link PortalOptions#daemon()}. By default
   * {@link #portalOwnsOneThread()}; a backend on virtual threads (always daemons, kept alive by
   * other means) returns false.
   *
   * @return whether the thread's daemon flag follows the options
   */
  protected boolean threadDaemonFlagFollowsOptions() {
    return portalOwnsOneThread();
  }

  /**
   * Whether a blocking wait that could only end on the portal's thread fails fast with a {@link
   * DeadlockException} instead of hanging: the portal implements {@link
   * org.portal4j.spi.ThreadBoundPortal} and names its one thread. By default {@link
   * #portalOwnsOneThread()}. The tests that need it would hang without it, so they are skipped.
   *
   * @return whether waits on the portal's thread are checked for deadlocks
   */
  protected boolean detectsDeadlocks() {
    return portalOwnsOneThread();
  }

  /**
   * The prefix of the names a portal generates when {@link PortalOptions#name()} is null: the name
   * is {@code prefix-N}. DESIGN.md says {@code WorkerThread} for workers and {@code
   * EventLoopThread} for loops, the defaults here.
   *
   * @return the prefix
   */
  protected abstract String generatedNamePrefix();

  // ---------------------------------------------------------------- what the kinds supply

  /** A new portal of the kind under test, from {@link #provider()}, not started. */
  abstract WorkerPortal newPortal(PortalOptions options);

  // ---------------------------------------------------------------- plumbing

  /**
   * Releases, cancels, shuts down and joins what the test made, and fails the test if a portal does
   * not terminate. Runs after the subclass's own {@code @AfterEach} methods.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @AfterEach
  protected final void endWhatTheTestMade() throws InterruptedException {
    fixture.end();
  }

  /** A unique name starting with {@code what}. */
  static String unique(String what) {
    return "tck-"
        + what
        + "-"
        + NAMES.incrementAndGet()
        + "-"
        + Long.toHexString(System.nanoTime());
  }

  /** A new portal with the given options, ended after the test. */
  final WorkerPortal portal(PortalOptions options) {
    WorkerPortal portal = newPortal(options);
    assertTrue(portal != null, provider().name() + " made a null portal");
    return fixture.portal(portal);
  }

  /** A new portal named {@code unique(what)}, ended after the test. */
  final WorkerPortal portal(String what) {
    return portal(PortalOptions.builder().name(unique(what)).build());
  }

  /** Skips the test, saying which capability hook said no. */
  static void assume(boolean capable, String hook) {
    Assumptions.assumeTrue(
        capable, () -> "skipped: " + hook + "() says the portal under test cannot do this");
  }

  /** The thread that runs the portal's next call. */
  static Thread threadOf(WorkerPortal portal) throws Exception {
    return portal.submit(Call.of("tck-which-thread", Thread::currentThread)).result(Await.WAIT);
  }

  /** Live platform threads whose name contains {@code name} (virtual threads are not listed). */
  static List<Thread> visibleThreadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().contains(name))
        .collect(Collectors.toList());
  }

  /** A call that blocks until {@code release} opens; it says when it started. */
  static Call<Thread> blocker(CountDownLatch started, CountDownLatch release) {
    return Call.of(
        "tck-blocker",
        () -> {
          started.countDown();
          Await.latch(release, "the blocker's release");
          return Thread.currentThread();
        });
  }

  /** An error that a test throws on purpose. */
  static final class DeliberateError extends Error {
    private static final long serialVersionUID = 1L;

    DeliberateError(String message) {
      super(message);
    }
  }

  // ================================================================ starting

  /** DESIGN.md Portals: a portal starts on its first submit, not before. */
  @Test
  public void aPortalStartsOnItsFirstSubmitNotBefore() throws Exception {
    WorkerPortal portal = portal("lazy");
    portal.name();
    portal.isDaemon();
    assertFalse(portal.isRunning(), "running before any submit");
    assertFalse(portal.isShutdown());
    assertEquals(List.of(), visibleThreadsNamed(portal.name()), "a thread started before submit");

    Thread ran = threadOf(portal);

    assertNotSame(Thread.currentThread(), ran, "the call ran on the submitting thread");
    assertTrue(portal.isRunning());
    if (portalOwnsOneThread()) {
      assertTrue(ran.getName().contains(portal.name()), ran.getName());
    }
  }

  /** DESIGN.md Portals: start() from many threads at once starts exactly one thread. */
  @Test
  public void startFromSixteenThreadsAtOnceStartsThePortalOnce() throws Exception {
    for (int round = 0; round < 5; round++) {
      WorkerPortal portal = portal("start-race");
      int starters = 16;
      CountDownLatch ready = new CountDownLatch(starters);
      CountDownLatch go = fixture.latch();
      List<CallerThread> callers = new ArrayList<>();
      for (int i = 0; i < starters; i++) {
        callers.add(
            CallerThread.start(
                fixture,
                "tck-starter-" + i,
                () -> {
                  ready.countDown();
                  Await.latch(go, "go");
                  portal.start();
                  return null;
                }));
      }
      Await.latch(ready, "all starters ready");
      go.countDown();
      for (CallerThread caller : callers) {
        caller.result();
      }

      assertTrue(portal.isRunning());
      List<Call<Thread>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(portal.submit(Call.of(Thread::currentThread)));
      }
      Thread first = calls.get(0).result(Await.WAIT);
      for (Call<Thread> call : calls) {
        Thread ranOn = call.result(Await.WAIT);
        if (portalOwnsOneThread()) {
          assertSame(first, ranOn, "calls of one portal ran on two threads");
        }
      }
      if (portalOwnsOneThread()) {
        List<Thread> named = visibleThreadsNamed(portal.name());
        assertTrue(named.size() <= 1, "threads started for one portal: " + named);
      }
    }
  }

  /** DESIGN.md Portals: start() is idempotent. */
  @Test
  public void startIsIdempotent() throws Exception {
    WorkerPortal portal = portal("idempotent");
    portal.start();
    portal.start();
    portal.start();
    assertTrue(portal.isRunning());
    assertFalse(portal.isShutdown());
    assertEquals("works", portal.submit(() -> "works").result(Await.WAIT));
    if (portalOwnsOneThread()) {
      List<Thread> named = visibleThreadsNamed(portal.name());
      assertTrue(named.size() <= 1, "threads started for one portal: " + named);
    }
  }

  /** WorkerPortal: new, running (start or submit), shutting down, terminated. */
  @Test
  public void isRunningAndIsShutdownFollowTheLifecycle() throws Exception {
    WorkerPortal portal = portal("lifecycle");
    assertFalse(portal.isRunning());
    assertFalse(portal.isShutdown());

    portal.start();
    assertTrue(portal.isRunning());
    assertFalse(portal.isShutdown());

    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    Call<Thread> blocker = portal.submit(blocker(started, release));
    Await.latch(started, "the blocker started");
    portal.shutdown();
    assertTrue(portal.isRunning(), "running until its queue is drained");
    assertTrue(portal.isShutdown());
    assertFalse(portal.awaitTermination(Duration.ofMillis(20)), "terminated with a call running");

    release.countDown();
    blocker.result(Await.WAIT);
    assertTrue(portal.awaitTermination(Await.WAIT));
    assertFalse(portal.isRunning());
    assertTrue(portal.isShutdown());
  }

  /** DESIGN.md Portals: shutdown before start terminates at once; no thread ever starts. */
  @Test
  public void shutdownBeforeStartTerminatesAtOnceWithoutAThread() throws Exception {
    WorkerPortal portal = portal("stillborn");
    portal.shutdown();
    portal.shutdown(); // idempotent

    assertTrue(portal.awaitTermination(Duration.ZERO));
    assertTrue(portal.isShutdown());
    assertFalse(portal.isRunning());
    RejectedExecutionException start =
        assertThrows(RejectedExecutionException.class, portal::start);
    assertMessageContains(start, "has been shut down");
    Call<Integer> late = Call.of(() -> 1);
    assertThrows(RejectedExecutionException.class, () -> portal.submit(late));
    assertTrue(late.runner().isEmpty());
    assertEquals(List.of(), visibleThreadsNamed(portal.name()));
  }

  /** WorkerPortal.close() is shutdown(): queued calls still run. */
  @Test
  public void closeIsShutdown() throws Exception {
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    WorkerPortal portal = portal("closing");
    Call<Integer> queued;
    try (WorkerPortal closing = portal) {
      closing.submit(blocker(started, release));
      queued = closing.submit(Call.of(() -> 42));
      Await.latch(started, "the blocker started");
    }

    assertTrue(portal.isShutdown());
    assertThrows(RejectedExecutionException.class, () -> portal.submit(Call.of(() -> 0)));
    release.countDown();
    assertEquals(42, queued.result(Await.WAIT), "close() must let queued calls finish");
    assertTrue(portal.awaitTermination(Await.WAIT));
  }

  // ================================================================ ordering

  /** DESIGN.md Portals: calls run in submission order, one at a time. */
  @Test
  public void callsRunOneAtATimeInSubmissionOrder() throws Exception {
    WorkerPortal portal = portal("ordered");
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    Call<Thread> first = portal.submit(blocker(started, release)); // all 100 queue behind it
    Await.latch(started, "the first call started");
    List<Call<Thread>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      calls.add(
          portal.submit(
              Call.of(
                  "tck-ordered-" + n,
                  () -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    ran.add(n);
                    running.decrementAndGet();
                    return Thread.currentThread();
                  })));
    }
    release.countDown();

    Thread firstThread = first.result(Await.WAIT);
    for (Call<Thread> call : calls) {
      Thread thread = call.result(Await.WAIT);
      if (portalOwnsOneThread()) {
        assertSame(firstThread, thread, call + " ran on another thread");
      }
    }
    assertEquals(IntStream.range(0, 100).boxed().collect(Collectors.toList()), ran);
    assertEquals(1, mostAtOnce.get(), "calls of one portal ran concurrently");
  }

  // ================================================================ run once

  /** DESIGN.md Portals: a second submit to a run-once portal throws and leaves the call alone. */
  @Test
  public void runOnceRefusesASecondSubmitWhileTheFirstRunsAndLeavesItUntouched() throws Exception {
    WorkerPortal portal =
        portal(PortalOptions.builder().name(unique("once")).runOnce(true).build());
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    Call<Thread> first = portal.submit(blocker(started, release));
    Await.latch(started, "the first call started");
    assertTrue(portal.isShutdown(), "a run-once portal takes no more calls once it has its call");

    Call<String> second = Call.of(() -> "second");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> portal.submit(second));

    assertEquals(RUN_ONCE_MESSAGE, e.getMessage());
    assertTrue(second.runner().isEmpty(), "a refused call must not get a runner");
    assertFalse(second.isDone());
    assertFalse(second.isRunning());
    release.countDown();
    first.result(Await.WAIT);
  }

  /** DESIGN.md Portals: a run-once portal shuts itself down after its call. */
  @Test
  public void runOnceShutsItselfDownAfterItsCallAndRefusesLaterSubmits() throws Exception {
    WorkerPortal portal =
        portal(PortalOptions.builder().name(unique("once")).runOnce(true).build());
    Thread ran = portal.submit(Call.of(Thread::currentThread)).result(Await.WAIT);

    assertTrue(portal.awaitTermination(Await.WAIT), "the run-once portal did not terminate");
    assertFalse(portal.isRunning());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> portal.submit(Call.of(() -> "again")));
    assertEquals(RUN_ONCE_MESSAGE, e.getMessage());
    if (portalOwnsOneThread()) {
      assertFalse(ran.isAlive(), "the run-once portal's thread outlived it");
    }
  }

  // ================================================================ shutdown

  /** DESIGN.md Portals: shutdown() lets queued calls finish, then the portal terminates. */
  @Test
  public void shutdownLetsQueuedCallsFinishThenTerminates() throws Exception {
    WorkerPortal portal = portal("draining");
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    portal.submit(blocker(started, release));
    Await.latch(started, "the blocker started");
    List<Call<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      queued.add(portal.submit(Call.of(() -> n)));
    }

    portal.shutdown();

    assertTrue(portal.isShutdown());
    for (Call<Integer> call : queued) {
      assertFalse(call.isDone(), call + " ended at shutdown instead of running");
    }
    assertFalse(portal.awaitTermination(Duration.ofMillis(20)), "terminated with calls queued");
    release.countDown();
    for (int i = 0; i < 10; i++) {
      assertEquals(i, queued.get(i).result(Await.WAIT));
    }
    assertTrue(portal.awaitTermination(Await.WAIT));
    assertFalse(portal.isRunning());
  }

  /** DESIGN.md: a submit that is refused leaves the call untouched (docs/errors.md E40). */
  @Test
  public void submitAfterShutdownIsRejectedAndTheCallIsLeftUntouched() throws Exception {
    WorkerPortal portal = portal("rejecting");
    portal.submit(() -> 1).result(Await.WAIT);
    portal.shutdown();

    Call<Integer> late = Call.of(() -> 2).setTimeout(Duration.ofMinutes(5));
    RejectedExecutionException e =
        assertThrows(RejectedExecutionException.class, () -> portal.submit(late));

    assertMessageContains(e, "has been shut down");
    assertTrue(late.runner().isEmpty(), "the rejected call must not look submitted");
    assertFalse(late.isDone());
    assertFalse(late.isRunning());
    assertEquals(Optional.of(Duration.ofMinutes(5)), late.timeout());
    assertTrue(portal.awaitTermination(Await.WAIT));
    assertThrows(RejectedExecutionException.class, () -> portal.submit(late));
    assertThrows(RejectedExecutionException.class, portal::start);
    late.run(); // not lost: the caller still owns it and can run it elsewhere
    assertEquals(2, late.result(Await.WAIT));
  }

  /** Zero and negative patience do not wait (docs/errors.md E22). */
  @Test
  public void awaitTerminationWithZeroOrNegativePatienceReturnsFalseAtOnce() throws Exception {
    WorkerPortal portal = portal("impatient");
    portal.start();
    for (Duration patience : NO_PATIENCE) {
      long start = System.nanoTime();
      assertFalse(portal.awaitTermination(patience), "a running portal terminated");
      assertTrue(
          System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), patience + " waited anyway");
    }
  }

  /** DESIGN.md Timeouts: a huge patience means forever, never ArithmeticException (E23). */
  @Test
  public void awaitTerminationWithAHugePatienceWaitsUntilTerminated() throws Exception {
    for (Duration huge : HUGE) {
      WorkerPortal portal = portal("patient");
      portal.submit(() -> "started").result(Await.WAIT);
      portal.shutdown();
      CallerThread waiting =
          CallerThread.start(fixture, "tck-await-huge", () -> portal.awaitTermination(huge));
      assertEquals(true, waiting.result(), "awaitTermination(" + huge + ")");
    }
  }

  /** AbstractWorkerPortal: awaitTermination waits for the portal's own thread to exit too. */
  @Test
  public void thePortalsThreadHasEndedWhenAwaitTerminationReturnsTrue() throws Exception {
    assume(portalOwnsOneThread(), "portalOwnsOneThread");
    WorkerPortal portal = portal("joined");
    Thread thread = threadOf(portal);
    portal.shutdown();
    assertTrue(portal.awaitTermination(Await.WAIT));
    assertFalse(thread.isAlive(), thread.getName() + " is alive after awaitTermination");
  }

  /** Awaiting a portal's termination on its own thread is refused (docs/errors.md E59). */
  @Test
  public void awaitTerminationOnThePortalsOwnThreadThrowsIllegalStateException() throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal portal = portal("self-await");
    Call<Boolean> call = portal.submit(Call.of(() -> portal.awaitTermination(Await.WAIT)));
    Throwable failure = failureOf(call);
    assertInstanceOf(IllegalStateException.class, failure);
    assertMessageContains(failure, "on its own thread");
  }

  // ================================================================ refused submits

  /** A null call is refused before anything happens (docs/errors.md E03). */
  @Test
  @SuppressWarnings("NullAway") // passes null on purpose, to check the NullPointerException
  public void submitOfNullThrowsNullPointerExceptionAndStartsNothing() {
    WorkerPortal portal = portal("null-submit");
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> portal.submit((Call<Object>) null));
    assertMessageContains(e, "call");
    assertFalse(portal.isRunning());
  }

  /** DESIGN.md: a refused submit changes nothing and starts no thread (docs/errors.md E27). */
  @Test
  public void aCallThatAlreadyHasARunnerIsRefusedUntouchedAndStartsNothing() throws Exception {
    WorkerPortal portal = portal("refusing");
    WorkerPortal other = portal("other-runner");
    Call<String> claimed = Call.of(() -> "never");
    claimed.setRunner(other);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> portal.submit(claimed));

    assertMessageContains(e, "already submitted to");
    assertFalse(portal.isRunning(), "a refused submit started the portal");
    assertEquals(List.of(), visibleThreadsNamed(portal.name()));
    assertSame(other, claimed.runner().orElseThrow(), "the call's runner changed");
    assertFalse(claimed.isDone());
    assertFalse(claimed.isRunning());

    Call<Integer> done = portal.submit(Call.of(() -> 1));
    assertEquals(1, done.result(Await.WAIT));
    assertThrows(IllegalStateException.class, () -> portal.submit(done));
    assertThrows(IllegalStateException.class, () -> other.submit(done));
    assertSame(portal, done.runner().orElseThrow());
  }

  // ================================================================ names, daemon, context

  /** DESIGN.md: with no name, a portal generates one, {@code prefix-N}, unique. */
  @Test
  public void generatedNamesArePrefixDashNumberAndUnique() throws Exception {
    WorkerPortal a = portal(PortalOptions.defaults());
    WorkerPortal b = portal(PortalOptions.defaults());
    Pattern generated = Pattern.compile(Pattern.quote(generatedNamePrefix()) + "-\\d+");
    assertTrue(generated.matcher(a.name()).matches(), a.name());
    assertTrue(generated.matcher(b.name()).matches(), b.name());
    assertNotEquals(a.name(), b.name());
    if (portalOwnsOneThread()) {
      String thread = threadOf(a).getName();
      assertTrue(thread.contains(a.name()), thread + " does not contain " + a.name());
    }
  }

  /** DESIGN.md: a portal's thread names contain the portal's name. */
  @Test
  public void aGivenNameIsThePortalsNameAndItsThreadCarriesIt() throws Exception {
    String name = unique("orders");
    WorkerPortal portal = portal(PortalOptions.builder().name(name).build());
    assertEquals(name, portal.name());
    assume(portalOwnsOneThread(), "portalOwnsOneThread");
    String thread = threadOf(portal).getName();
    assertTrue(thread.contains(name), thread + " does not contain " + name);
  }

  /** PortalOptions.daemon: isDaemon() reports it. */
  @Test
  public void isDaemonReportsTheOption() {
    for (boolean daemon : new boolean[] {true, false}) {
      WorkerPortal portal =
          portal(PortalOptions.builder().name(unique("daemon-" + daemon)).daemon(daemon).build());
      assertEquals(daemon, portal.isDaemon());
    }
    assertFalse(portal(PortalOptions.defaults()).isDaemon(), "the default is not a daemon");
  }

  /** DESIGN.md Portals: daemon is honoured by the portal's thread. */
  @Test
  public void thePortalsThreadIsADaemonExactlyWhenAskedTo() throws Exception {
    assume(threadDaemonFlagFollowsOptions(), "threadDaemonFlagFollowsOptions");
    for (boolean daemon : new boolean[] {true, false}) {
      WorkerPortal portal =
          portal(PortalOptions.builder().name(unique("daemon-" + daemon)).daemon(daemon).build());
      // Started from a thread of the other kind: a new thread inherits its creator's flag.
      CallerThread starter =
          CallerThread.start(fixture, "tck-starter", !daemon, () -> threadOf(portal).isDaemon());
      assertEquals(daemon, starter.result(), "the daemon flag of " + portal.name() + "'s thread");
    }
  }

  /** Call.current() inside a call is that call; its runner is the portal. */
  @Test
  public void callCurrentIsTheRunningCallAndItsRunnerIsThePortal() throws Exception {
    WorkerPortal portal = portal("current");
    AtomicReference<Call<?>> self = new AtomicReference<>();
    AtomicBoolean runningInside = new AtomicBoolean();
    Call<Object> call =
        Call.of(
            "tck-current",
            () -> {
              runningInside.set(self.get().isRunning());
              return Call.current().orElse(null);
            });
    self.set(call);

    assertSame(portal, portal.submit(call).runner().orElseThrow());
    assertSame(call, call.result(Await.WAIT));
    assertTrue(runningInside.get(), "the call was not running while its function ran");
    Call<Object> next = Call.of("tck-next", () -> Call.current().orElse(null));
    assertSame(next, portal.submit(next).result(Await.WAIT), "a finished call stayed current");
  }

  /** DESIGN.md: a call runs in its creator's ContextKey values, leaving the thread as found. */
  @Test
  @SuppressWarnings("try") // the scope is opened for its effect on this thread
  public void contextKeyValuesTravelWithTheCallAndThePortalThreadIsLeftAsFound() throws Exception {
    WorkerPortal portal = portal("context");
    ContextKey<String> key = ContextKey.named(unique("key"));
    Call<String> withValue;
    try (ContextKey.Scope scope = key.set("the creator's value")) {
      withValue = Call.of(key::get);
    }
    Call<String> without = Call.of(key::get);

    assertEquals("the creator's value", portal.submit(withValue).result(Await.WAIT));
    assertNull(portal.submit(without).result(Await.WAIT), "the value stayed on the portal thread");
    assertNull(key.get(), "the value leaked into the creating thread");
  }

  // ================================================================ failures and callbacks

  /** DESIGN.md Calls: a Throwable never kills the portal's thread; result() rethrows it. */
  @Test
  public void aCallThrowingAnExceptionOrAnErrorFailsOnlyThatCallAndThePortalGoesOn()
      throws Exception {
    WorkerPortal portal = portal("survivor");
    RuntimeException boom = new IllegalStateException("tck: deliberate");
    DeliberateError error = new DeliberateError("tck: deliberate error");
    IOException checked = new IOException("tck: deliberate checked");
    AtomicReference<Thread> failedOn = new AtomicReference<>();

    Call<Object> throwsRuntime =
        portal.submit(
            Call.of(
                () -> {
                  failedOn.set(Thread.currentThread());
                  throw boom;
                }));
    Call<Object> throwsError =
        portal.submit(
            Call.of(
                () -> {
                  throw error;
                }));
    Call<Object> throwsChecked =
        portal.submit(
            Call.of(
                () -> {
                  throw checked;
                }));
    Call<Thread> next = portal.submit(Call.of(Thread::currentThread));

    assertSame(boom, failureOf(throwsRuntime));
    assertSame(error, failureOf(throwsError));
    CompletionException wrapped =
        assertInstanceOf(CompletionException.class, failureOf(throwsChecked));
    assertSame(checked, wrapped.getCause());
    Thread nextThread = next.result(Await.WAIT);
    assertTrue(portal.isRunning());
    if (portalOwnsOneThread()) {
      assertSame(failedOn.get(), nextThread, "the next call ran on another thread");
      assertTrue(failedOn.get().isAlive());
    }
  }

  /** DESIGN.md Calls: done callbacks run once, after the call is done; late ones at once. */
  @Test
  public void doneCallbacksRunOnceAfterTheCallEndsAndLateOnesRunAtOnceOnTheAddingThread()
      throws Exception {
    WorkerPortal portal = portal("done-callbacks");
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    portal.submit(blocker(started, release)); // the three calls below queue behind it
    Await.latch(started, "the blocker started");
    Call<Thread> succeeds = Call.of(Thread::currentThread);
    Call<Object> fails =
        Call.of(
            () -> {
              throw new IllegalStateException("tck: deliberate");
            });
    Call<Object> cancelled = Call.of(() -> "never");
    List<Call<?>> calls = List.of(succeeds, fails, cancelled);
    List<AtomicInteger> runs = new ArrayList<>();
    List<AtomicBoolean> doneInside = new ArrayList<>();
    List<AtomicReference<Thread>> ranOn = new ArrayList<>();
    for (Call<?> call : calls) {
      AtomicInteger count = new AtomicInteger();
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<Thread> thread = new AtomicReference<>();
      call.addDoneCallback(
          c -> {
            done.set(c.isDone());
            thread.set(Thread.currentThread());
            count.incrementAndGet();
          });
      runs.add(count);
      doneInside.add(done);
      ranOn.add(thread);
      portal.submit(call);
    }
    assertTrue(cancelled.cancel());
    assertEquals(1, runs.get(2).get(), "the done callback of a cancel runs before cancel returns");
    assertSame(Thread.currentThread(), ranOn.get(2).get(), "the cancelling thread runs it");
    release.countDown();

    Thread body = succeeds.result(Await.WAIT);
    failureOf(fails);
    portal.submit(() -> "marker").result(Await.WAIT); // FIFO: all three have ended
    for (int i = 0; i < calls.size(); i++) {
      int index = i;
      Await.until(() -> runs.get(index).get() > 0, "the done callback of " + calls.get(i));
    }
    portal.submit(() -> "marker").result(Await.WAIT);
    for (int i = 0; i < calls.size(); i++) {
      assertEquals(1, runs.get(i).get(), "done callbacks of " + calls.get(i) + " ran");
      assertTrue(doneInside.get(i).get(), calls.get(i) + " was not done in its done callback");
    }
    assertSame(body, ranOn.get(0).get(), "a sync call's done callback runs where it completed");

    AtomicReference<Thread> late = new AtomicReference<>();
    succeeds.addDoneCallback(c -> late.set(Thread.currentThread()));
    assertSame(Thread.currentThread(), late.get(), "a late done callback runs at once, here");
  }

  /** DESIGN.md Calls: a throwing callback (an Error too) is logged; the others still run. */
  @Test
  public void callbacksThatThrowExceptionsOrErrorsLoseNeitherACallNorThePortal() throws Exception {
    WorkerPortal portal = portal("throwing-callbacks");
    Call<String> call = Call.of(() -> "kept");
    CountDownLatch third = new CountDownLatch(1);
    call.addDoneCallback(
        c -> {
          throw new IllegalStateException("tck: deliberate, from a done callback");
        });
    call.addDoneCallback(
        c -> {
          throw new DeliberateError("tck: deliberate, from a done callback");
        });
    call.addDoneCallback(c -> third.countDown());
    portal.submit(call);
    assertEquals("kept", call.result(Await.WAIT));
    Await.latch(third, "the done callback after two throwing ones");

    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    portal.submit(blocker(started, release));
    Await.latch(started, "the blocker started");
    AtomicBoolean bodyRan = new AtomicBoolean();
    AtomicInteger cancelCallbacks = new AtomicInteger();
    Call<String> queued =
        Call.of(
            () -> {
              bodyRan.set(true);
              return "never";
            });
    queued.addCancelCallback(
        () -> {
          throw new IllegalStateException("tck: deliberate, from a cancel callback");
        });
    queued.addCancelCallback(
        () -> {
          throw new DeliberateError("tck: deliberate, from a cancel callback");
        });
    queued.addCancelCallback(cancelCallbacks::incrementAndGet);
    portal.submit(queued);
    assertTrue(queued.cancel());
    assertEquals(1, cancelCallbacks.get(), "the cancel callback after two throwing ones");
    assertTrue(queued.isCancelled());
    release.countDown();

    assertEquals("next", portal.submit(() -> "next").result(Await.WAIT), "the portal died");
    assertFalse(bodyRan.get(), "a call cancelled while queued ran");
    assertThrows(CallCancelledException.class, queued::result);
  }

  // ================================================================ cancellation

  /** DESIGN.md Calls: a call cancelled before it started never runs its function. */
  @Test
  public void aCallCancelledWhileQueuedNeverRunsAndThePortalGoesOn() throws Exception {
    WorkerPortal portal = portal("cancel-queued");
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    portal.submit(blocker(started, release));
    Await.latch(started, "the blocker started");
    AtomicBoolean ran = new AtomicBoolean();
    Call<Integer> queued =
        portal.submit(
            Call.of(
                () -> {
                  ran.set(true);
                  return 1;
                }));

    assertTrue(queued.cancel());
    assertTrue(queued.isDone());
    assertTrue(queued.isCancelled());
    assertFalse(queued.isTimedOut());
    release.countDown();

    assertEquals(2, portal.submit(() -> 2).result(Await.WAIT));
    assertFalse(ran.get(), "the function of a call cancelled while queued ran");
    assertThrows(CallCancelledException.class, queued::result);
  }

  /** DESIGN.md Calls: cancelling a running call interrupts its body; the thread is left clean. */
  @Test
  public void cancellingARunningCallInterruptsItsBodyAndTheNextCallRunsUninterrupted()
      throws Exception {
    WorkerPortal portal = portal("cancel-running");
    CountDownLatch started = fixture.latch();
    CountDownLatch never = fixture.latch();
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicReference<Thread> body = new AtomicReference<>();
    Call<String> call =
        portal.submit(
            Call.of(
                "tck-cancelled-while-running",
                () -> {
                  body.set(Thread.currentThread());
                  started.countDown();
                  try {
                    never.await(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return "not interrupted";
                }));
    Await.latch(started, "the call started");

    assertTrue(call.cancel());

    assertTrue(call.isDone(), "cancel() returned true but the call is not done");
    assertTrue(call.isCancelled());
    assertThrows(CallCancelledException.class, call::result);
    Await.until(interrupted::get, "the body sees its interrupt");
    Call<Boolean> next = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));
    assertFalse(next.result(Await.WAIT), "the next call ran with the interrupt flag set");
    if (portalOwnsOneThread()) {
      assertSame(body.get(), threadOf(portal));
    }
  }

  /** DESIGN.md Calls: every call ends exactly once, also when cancel() races its start. */
  @Test
  public void cancelRacingTheStartOfACallEndsItExactlyOnce() throws Exception {
    WorkerPortal portal = portal("cancel-race");
    for (int round = 0; round < 200; round++) {
      int n = round;
      AtomicBoolean bodyRan = new AtomicBoolean();
      AtomicInteger doneRuns = new AtomicInteger();
      Call<Integer> call =
          Call.of(
              "tck-race-" + n,
              () -> {
                bodyRan.set(true);
                return n;
              });
      call.addDoneCallback(c -> doneRuns.incrementAndGet());
      CountDownLatch go = new CountDownLatch(1);
      CallerThread canceller =
          CallerThread.start(
              fixture,
              "tck-canceller-" + n,
              () -> {
                go.await();
                boolean won = call.cancel();
                // DESIGN.md: once cancel() returns, true or false, the call is done.
                return (won ? "won" : "lost") + (call.isDone() ? "" : " but the call is not done");
              });
      if (n % 2 == 0) {
        portal.submit(call);
        go.countDown();
      } else {
        go.countDown();
        portal.submit(call);
      }

      Object cancel = canceller.result();
      assertTrue("won".equals(cancel) || "lost".equals(cancel), "round " + n + ": " + cancel);
      assertEquals("won".equals(cancel), call.isCancelled(), "round " + n + ": " + call);
      if (call.isCancelled()) {
        assertThrows(CallCancelledException.class, call::result);
      } else {
        assertEquals(n, call.result(Await.WAIT));
        assertTrue(bodyRan.get());
      }
      Await.until(() -> doneRuns.get() > 0, "the done callback of " + call);
      Call<Boolean> probe = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));
      assertFalse(probe.result(Await.WAIT), "round " + n + ": the next call was interrupted");
      assertEquals(1, doneRuns.get(), "round " + n + ": done callbacks ran");
    }
    assertTrue(portal.isRunning());
  }

  /** DESIGN.md Calls: a timed-out sync body is interrupted; the portal's thread is left clean. */
  @Test
  public void aTimedOutCallIsInterruptedAndThePortalThreadIsLeftClean() throws Exception {
    WorkerPortal portal = portal("timeout");
    CountDownLatch never = fixture.latch();
    AtomicBoolean interrupted = new AtomicBoolean();
    Call<String> call =
        Call.<String>of(
                "tck-times-out",
                () -> {
                  try {
                    never.await(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return "not interrupted";
                })
            .setTimeout(Duration.ofMillis(100));
    portal.submit(call);

    CallTimeoutException e = assertInstanceOf(CallTimeoutException.class, failureOf(call));
    assertMessageContains(e, "timed out after");
    assertTrue(call.isTimedOut());
    assertTrue(call.isCancelled());
    Await.until(interrupted::get, "the body sees its interrupt");
    Call<Boolean> next = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));
    assertFalse(next.result(Await.WAIT), "the next call ran with the interrupt flag set");
  }

  // ================================================================ interrupts

  /** DESIGN.md Conventions: an interrupt of an idle portal thread neither kills nor leaks. */
  @Test
  public void anInterruptOfThePortalThreadBetweenCallsNeitherKillsItNorReachesTheNextCall()
      throws Exception {
    assume(portalOwnsOneThread(), "portalOwnsOneThread");
    WorkerPortal portal = portal("interrupted-thread");
    Thread thread = threadOf(portal);
    for (int round = 0; round < 20; round++) {
      thread.interrupt(); // outside any call: nobody to deliver it to
      Call<Boolean> next = portal.submit(Call.of(() -> Thread.currentThread().isInterrupted()));
      assertFalse(next.result(Await.WAIT), "round " + round + ": the next call was interrupted");
    }
    assertTrue(portal.isRunning(), "the portal died");
    assertTrue(thread.isAlive(), "the portal's thread died");
    assertSame(thread, threadOf(portal));
  }

  /**
   * DESIGN.md Calls: an interrupt ends Call.result() with CompletionException, call alone (E36).
   */
  @Test
  public void interruptingACallerBlockedInResultLeavesTheCallAloneAndKeepsTheFlag()
      throws Exception {
    WorkerPortal portal = portal("interrupted-caller");
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    Call<Thread> call = portal.submit(blocker(started, release));
    Await.latch(started, "the call started");
    CallerThread caller = CallerThread.start(fixture, "tck-result-caller", call::result);
    Await.blocked(caller.thread);

    caller.thread.interrupt();

    Throwable failure = caller.failure();
    assertInstanceOf(CompletionException.class, failure);
    assertInstanceOf(InterruptedException.class, failure.getCause());
    assertMessageContains(failure, "Interrupted while waiting for");
    assertTrue(caller.interruptedAtEnd(), "the interrupt flag was cleared");
    assertFalse(call.isDone(), "result() touched the call");
    release.countDown();
    call.result(Await.WAIT);
  }

  /** DESIGN.md: an interrupt of a thread waiting in FromSync cancels the call (E51). */
  @Test
  public void interruptingACallerWaitingInFromSyncCancelsTheCallAndKeepsTheFlag() throws Exception {
    WorkerPortal portal = portal("interrupted-from-sync");
    CountDownLatch started = fixture.latch();
    CountDownLatch never = fixture.latch();
    AtomicBoolean bodyInterrupted = new AtomicBoolean();
    Call<String> call =
        fixture.call(
            Call.of(
                "tck-waited-for",
                () -> {
                  started.countDown();
                  try {
                    never.await(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    bodyInterrupted.set(true);
                    throw e;
                  }
                  return "not interrupted";
                }));
    CallerThread caller =
        CallerThread.start(fixture, "tck-from-sync-caller", () -> FromSync.callIn(portal, call));
    Await.latch(started, "the call started");
    Await.blocked(caller.thread);

    caller.thread.interrupt();

    Throwable failure = caller.failure();
    assertInstanceOf(CallCancelledException.class, failure);
    assertMessageContains(failure, "was interrupted while waiting");
    assertTrue(caller.interruptedAtEnd(), "the interrupt flag was cleared");
    assertTrue(call.isCancelled());
    Await.until(bodyInterrupted::get, "the cancelled body sees its interrupt");
  }

  /** DESIGN.md: an interrupt flag already set when a wait starts counts (E37, E52). */
  @Test
  public void aCallerWhoseInterruptFlagIsAlreadySetCountsAsInterrupted() throws Exception {
    WorkerPortal portal = portal("pre-interrupted");
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    Call<Thread> pending = portal.submit(blocker(started, release));
    Await.latch(started, "the call started");
    Call<String> waitedFor = fixture.call(Call.of("tck-waited-with-flag", () -> "late"));

    CallerThread inResult =
        CallerThread.start(
            fixture,
            "tck-flagged-result",
            () -> {
              Thread.currentThread().interrupt();
              return pending.result();
            });
    CallerThread inFromSync =
        CallerThread.start(
            fixture,
            "tck-flagged-from-sync",
            () -> {
              Thread.currentThread().interrupt();
              return FromSync.callIn(portal, waitedFor);
            });

    assertInstanceOf(CompletionException.class, inResult.failure());
    assertTrue(inResult.interruptedAtEnd());
    assertFalse(pending.isDone(), "result() touched the call");
    Throwable fromSync = inFromSync.failure();
    assertInstanceOf(CallCancelledException.class, fromSync);
    assertMessageContains(fromSync, "was interrupted while waiting");
    assertTrue(inFromSync.interruptedAtEnd());
    Await.until(waitedFor::isDone, "the call waited for in FromSync ends");
    assertTrue(waitedFor.isCancelled());
    release.countDown();
    pending.result(Await.WAIT);
  }

  // ================================================================ deadlocks

  /** The blocking views of a call that make the deadlock check of result(). */
  private enum View {
    RESULT,
    TIMED_RESULT,
    GET,
    TIMED_GET,
    JOIN;

    Object block(Call<?> call) throws Exception {
      switch (this) {
        case RESULT:
          return call.result();
        case TIMED_RESULT:
          return call.result(Duration.ofSeconds(60));
        case GET:
          return call.toCompletableFuture().get();
        case TIMED_GET:
          return call.toCompletableFuture().get(60, TimeUnit.SECONDS);
        default:
          return call.toCompletableFuture().join();
      }
    }
  }

  /** DESIGN.md Deadlocks: every blocking view fails fast on the portal's thread (E53). */
  @Test
  public void everyBlockingWaitOnThePortalsThreadForACallQueuedBehindFailsFastLeavingItAlone()
      throws Exception {
    assume(detectsDeadlocks(), "detectsDeadlocks");
    WorkerPortal portal = portal("blocking-views");
    for (View view : View.values()) {
      Call<String> queued = fixture.call(Call.of("tck-queued-behind-" + view, () -> "ran later"));
      AtomicReference<String> threadName = new AtomicReference<>();
      Call<Object> waiting =
          portal.submit(
              Call.of(
                  "tck-waits-" + view,
                  () -> {
                    threadName.set(Thread.currentThread().getName());
                    portal.submit(queued);
                    return view.block(queued);
                  }));

      Throwable failure = failureOf(waiting);

      DeadlockException e = assertInstanceOf(DeadlockException.class, failure, view.name());
      assertMessageContains(e, "can only run on", queued.name(), threadName.get());
      assertEquals("ran later", queued.result(Await.WAIT), view + ": the check touched the call");
    }
  }

  /** Waiting for the call one is running fails fast (docs/errors.md E55). */
  @Test
  public void aCallWaitingForItselfFailsFast() throws Exception {
    WorkerPortal portal = portal("self-wait");
    AtomicReference<Call<?>> self = new AtomicReference<>();
    Call<Object> call = Call.of("tck-waits-for-itself", () -> self.get().result());
    self.set(call);
    portal.submit(call);

    DeadlockException e = assertInstanceOf(DeadlockException.class, failureOf(call));
    assertMessageContains(e, "which it is running itself", "tck-waits-for-itself");
  }

  /** DESIGN.md Waiters: work sent back from a call on the portal runs on the waiting thread. */
  @Test
  public void aCallOnThePortalSendsWorkBackToTheThreadWaitingInFromSync() throws Exception {
    WorkerPortal portal = portal("sends-back");
    Thread me = Thread.currentThread();
    Thread ranOn =
        FromSync.callIn(
            portal,
            Call.of(
                "tck-sends-back",
                () ->
                    Waiters.current()
                        .orElseThrow()
                        .submit(Call.of(Thread::currentThread))
                        .result(Await.WAIT)),
            Await.WAIT);
    assertSame(me, ranOn);
  }

  /**
   * DESIGN.md Deadlocks (DeadlockCycleTest shape 4): a callback sent to a waiter whose owner waits
   * in a nested waiter runs from that nested wait.
   */
  @Test
  public void aCallbackForTheOuterWaiterRunsFromTheNestedWaitInsteadOfSittingThereForever()
      throws Exception {
    Thread me = Thread.currentThread();
    WorkerPortal portal = portal("outer");
    CompletableFuture<String> handedOver = new CompletableFuture<>();
    fixture.release(() -> handedOver.complete("released"));
    CountDownLatch nestedStarted = fixture.latch();
    Call<String> nested =
        Call.of(
            "tck-nested",
            () -> {
              nestedStarted.countDown();
              return handedOver.get(Await.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            });
    Call<String> outer =
        Call.of(
            "tck-outer",
            () -> {
              Waiter<?> home = Waiters.current().orElseThrow();
              Call<String> first = home.submit(Call.of(() -> FromSync.callInNewThread(nested)));
              Await.latch(nestedStarted, "the nested call started");
              Call<Boolean> second =
                  home.submit(
                      Call.of(
                          () -> {
                            assertSame(me, Thread.currentThread());
                            return handedOver.complete("handed over from the outer waiter");
                          }));
              return first.result(Await.WAIT) + " / " + second.result(Await.WAIT);
            });
    SyncWaiter<String> waiter = Waiters.sync(outer);
    portal.submit(outer);
    waiter.await();
    assertEquals("handed over from the outer waiter / true", outer.result());
  }

  // ================================================================ durations

  /** DESIGN.md Timeouts: a huge timeout means none; the call runs and ends (E19). */
  @Test
  public void aHugeTimeoutMeansForeverAndTheCallRunsOnThePortal() throws Exception {
    WorkerPortal portal = portal("huge-timeout");
    for (Duration huge : HUGE) {
      Call<String> call = Call.of(() -> "ran").setTimeout(huge);
      assertEquals("ran", portal.submit(call).result(Await.WAIT), "timeout " + huge);
      assertFalse(call.isTimedOut());
    }
  }

  /** DESIGN.md Timeouts: a zero timeout expires as the call starts; the function never runs. */
  @Test
  public void aZeroTimeoutExpiresAsTheCallStartsAndTheFunctionNeverRuns() throws Exception {
    WorkerPortal portal = portal("zero-timeout");
    AtomicBoolean ran = new AtomicBoolean();
    Call<String> call =
        Call.<String>of(
                "tck-zero-timeout",
                () -> {
                  ran.set(true);
                  return "ran";
                })
            .setTimeout(Duration.ZERO);
    portal.submit(call);

    CallTimeoutException e = assertInstanceOf(CallTimeoutException.class, failureOf(call));
    assertMessageContains(e, "timed out after");
    assertTrue(call.isTimedOut());
    assertFalse(ran.get(), "the function of a call with a zero timeout ran");
    assertEquals("next", portal.submit(() -> "next").result(Await.WAIT));
  }

  /** DESIGN.md Timeouts: no patience runs out at once (E20); a huge one waits (E21). */
  @Test
  public void resultWithNoPatienceRunsOutAtOnceAndWithAHugeOneWaitsForTheCall() throws Exception {
    WorkerPortal portal = portal("patience");
    CountDownLatch started = fixture.latch();
    CountDownLatch release = fixture.latch();
    Call<Thread> pending = portal.submit(blocker(started, release));
    Await.latch(started, "the call started");
    for (Duration patience : NO_PATIENCE) {
      long start = System.nanoTime();
      assertThrows(TimeoutException.class, () -> pending.result(patience));
      assertTrue(
          System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "did not run out at once");
    }
    assertFalse(pending.isDone(), "result(Duration) touched the call");

    List<CallerThread> waiting = new ArrayList<>();
    for (Duration huge : HUGE) {
      CallerThread caller =
          CallerThread.start(fixture, "tck-huge-patience", () -> pending.result(huge));
      Await.blocked(caller.thread);
      waiting.add(caller);
    }
    release.countDown();
    for (CallerThread caller : waiting) {
      assertInstanceOf(Thread.class, caller.result(), "result(huge) did not wait for the call");
    }
  }
}

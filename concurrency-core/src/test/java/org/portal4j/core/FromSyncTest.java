package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromSync;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * FromSync for blocking callers: new-thread and any-portal calls, callbacks, interrupts, deadlocks.
 */
@CheckThreadLeaks
@Timeout(30)
class FromSyncTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration SHORT_TIMEOUT = Duration.ofMillis(100);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<CountDownLatch> latches = new ArrayList<>();
  private final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
  private final List<Throwable> helperFailures = Collections.synchronizedList(new ArrayList<>());
  private final List<WorkerPortal> workers = new ArrayList<>();
  private Thread me;

  @BeforeEach
  void setUp() {
    me = Thread.currentThread();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    boolean leftInterrupted = Thread.interrupted();
    latches.forEach(CountDownLatch::countDown);
    workers.forEach(WorkerPortal::shutdown);
    for (WorkerPortal worker : workers) {
      assertTrue(worker.awaitTermination(WAIT), worker.name() + " did not terminate");
    }
    List<Thread> started;
    synchronized (threads) {
      started = new ArrayList<>(threads);
    }
    for (Thread thread : started) {
      thread.join(WAIT.toMillis());
      assertFalse(thread.isAlive(), thread.getName() + " did not end");
    }
    assertEquals(List.of(), helperFailures, "a helper thread failed");
    assertEquals(List.of(), Waiters.forThread(me), "a waiter was left registered");
    assertFalse(leftInterrupted, "the test thread was left with its interrupt flag set");
  }

  // ------------------------------------------------------------------ helpers

  private CountDownLatch latch() {
    CountDownLatch latch = new CountDownLatch(1);
    latches.add(latch); // released in @AfterEach, so a failing test never strands a thread
    return latch;
  }

  private static boolean await(CountDownLatch latch) throws InterruptedException {
    return latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private WorkerPortal worker(String prefix, boolean daemon) {
    WorkerPortal worker =
        Portals.newWorkerThread(
            PortalOptions.builder()
                .name(prefix + "-" + NAMES.incrementAndGet())
                .daemon(daemon)
                .build());
    workers.add(worker);
    return worker;
  }

  /** Remembers the thread running the current call, to join it after the test. */
  private Thread record() {
    Thread current = Thread.currentThread();
    threads.add(current);
    return current;
  }

  interface Action {
    void run() throws Exception;
  }

  private void helper(String name, Action action) {
    Thread t =
        new Thread(
            () -> {
              try {
                action.run();
              } catch (Throwable e) {
                helperFailures.add(e);
              }
            },
            name);
    threads.add(t);
    t.start();
  }

  private static void awaitCondition(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Timed out waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static void awaitBlocked(Thread thread) {
    awaitCondition(
        thread.getName() + " is blocked",
        () -> {
          Thread.State state = thread.getState();
          return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
        });
  }

  private static void join(Thread thread) throws InterruptedException {
    thread.join(WAIT.toMillis());
    assertFalse(thread.isAlive(), thread.getName() + " outlived its call");
  }

  /** A portal written against the public API only: each call runs on a fresh thread it owns. */
  final class OwnThreadPortal implements Portal {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public <T> Call<T> submit(Call<T> call) {
      call.setRunner(this);
      Thread thread = new Thread(call::run, name() + "-" + count.incrementAndGet());
      threads.add(thread);
      thread.start();
      return call;
    }

    @Override
    public String name() {
      return "own-thread-portal";
    }
  }

  // ------------------------------------------------------------------ new thread

  @Test
  void callInNewThreadReturnsTheResultFromAWorkerThread() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    String result =
        FromSync.callInNewThread(
            () -> {
              ranOn.set(record());
              return "hello";
            });

    assertEquals("hello", result);
    assertNotSame(me, ranOn.get());
    assertTrue(ranOn.get().getName().startsWith("WorkerThread-"), ranOn.get().getName());
  }

  @Test
  void nothingCallInNewThreadStartsOutlivesItsCall() throws Exception {
    Thread first = FromSync.callInNewThread(this::record);
    Thread second = FromSync.callInNewThread(this::record);

    assertNotSame(first, second, "every call gets a new thread");
    join(first);
    join(second);
  }

  @Test
  void callSoonInNewThreadReturnsAtOnceAndTheCallCompletesLater() throws Exception {
    CountDownLatch started = latch();
    CountDownLatch release = latch();
    AtomicReference<Thread> ranOn = new AtomicReference<>();

    Call<Integer> call =
        FromSync.callSoonInNewThread(
            () -> {
              ranOn.set(record());
              started.countDown();
              await(release);
              return 7;
            });

    assertFalse(call.isDone(), "callSoon must not wait for the call");
    assertTrue(await(started));
    assertTrue(call.isRunning());
    release.countDown();
    assertEquals(7, call.result(WAIT));
    assertTrue(ranOn.get().getName().startsWith("WorkerThread-"), ranOn.get().getName());
    join(ranOn.get());
  }

  /** The FromSync methods that take a timeout, each made to run {@code call} somewhere new. */
  enum WithTimeout {
    CALL_IN_NEW_THREAD((call, timeout) -> FromSync.callInNewThread(call, timeout)),
    WAIT_FOR_CALL_IN_NEW_THREAD(
        (call, timeout) -> FromSync.waitForCallInNewThread(call, timeout, List.of())),
    CALL_SOON_IN_NEW_THREAD(
        (call, timeout) -> FromSync.callSoonInNewThread(call, timeout).result()),
    CALL_IN_PORTAL(
        (call, timeout) ->
            FromSync.callIn(
                Portals.newWorkerThread(PortalOptions.builder().runOnce(true).build()),
                call,
                timeout));

    final BiFunction<Call<Object>, Duration, Object> invoke;

    WithTimeout(BiFunction<Call<Object>, Duration, Object> invoke) {
      this.invoke = invoke;
    }
  }

  @ParameterizedTest
  @EnumSource(WithTimeout.class)
  void theTimeoutArgumentBecomesTheCallsTimeout(WithTimeout method) throws Exception {
    CountDownLatch never = latch();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Call<Object> call =
        Call.of(
            "sleeper",
            () -> {
              ranOn.set(record());
              never.await();
              return "not timed out";
            });

    assertThrows(CallTimeoutException.class, () -> method.invoke.apply(call, SHORT_TIMEOUT));

    assertEquals(Optional.of(SHORT_TIMEOUT), call.timeout());
    assertTrue(call.isTimedOut());
    assertTrue(call.isCancelled());
  }

  @ParameterizedTest
  @EnumSource(WithTimeout.class)
  void aNullTimeoutLeavesTheCallsOwnTimeout(WithTimeout method) throws Exception {
    CountDownLatch never = latch();
    Call<Object> timed =
        Call.<Object>of(
                "own-timeout",
                () -> {
                  record();
                  never.await(15, TimeUnit.SECONDS); // far beyond its own timeout
                  return "own timeout was dropped";
                })
            .setTimeout(SHORT_TIMEOUT);

    assertThrows(CallTimeoutException.class, () -> method.invoke.apply(timed, null));
    assertEquals(Optional.of(SHORT_TIMEOUT), timed.timeout());

    Call<Object> untimed = Call.of(() -> "fine");
    assertEquals("fine", method.invoke.apply(untimed, null));
    assertEquals(Optional.empty(), untimed.timeout());
  }

  @Test
  void waitForCallInNewThreadRunsDoneCallbacksOnTheCallingThreadAfterTheCall() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<Thread> doneOn = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean sawCallDone = new AtomicBoolean();
    Call<String> call =
        Call.of(
            () -> {
              record();
              events.add("call");
              return "result";
            });
    Call<Void> first =
        Call.of(
            () -> {
              doneOn.add(Thread.currentThread());
              sawCallDone.set(call.isDone());
              events.add("done-1");
              return null;
            });
    Call<Void> second =
        Call.of(
            () -> {
              doneOn.add(Thread.currentThread());
              events.add("done-2");
              return null;
            });

    assertEquals("result", FromSync.waitForCallInNewThread(call, null, List.of(first, second)));

    assertEquals(List.of("call", "done-1", "done-2"), events);
    assertEquals(List.of(me, me), doneOn);
    assertTrue(sawCallDone.get());
  }

  @Test
  void doneCallbacksRunAlsoWhenTheCallFails() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicReference<Thread> doneOn = new AtomicReference<>();
    Call<Void> done =
        Call.of(
            () -> {
              doneOn.set(Thread.currentThread());
              return null;
            });

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                FromSync.waitForCallInNewThread(
                    Call.of(
                        () -> {
                          record();
                          throw boom;
                        }),
                    null,
                    List.of(done)));

    assertSame(boom, thrown);
    assertSame(me, doneOn.get());
  }

  // ------------------------------------------------------------------ any portal

  @Test
  void callInWorksWithAMinimalCustomPortal() throws Exception {
    OwnThreadPortal portal = new OwnThreadPortal();

    String threadName = FromSync.callIn(portal, () -> Thread.currentThread().getName());
    Thread calledBackOn =
        FromSync.callIn(
            portal, () -> currentWaiter().submit(Call.of("back", Thread::currentThread)).result());

    assertTrue(threadName.startsWith("own-thread-portal-"), threadName);
    assertSame(me, calledBackOn);
  }

  @Test
  void callInAShutDownPortalIsRejectedAndLeavesNoWaiterBehind() throws Exception {
    WorkerPortal worker = worker("shut", false);
    worker.shutdown();
    Call<String> call = Call.of(() -> "never");

    assertThrows(RejectedExecutionException.class, () -> FromSync.callIn(worker, call));

    assertEquals(List.of(), Waiters.forThread(me));
    assertEquals(Optional.empty(), Waiters.of(call));
    assertFalse(call.isDone());
  }

  private static Waiter<?> currentWaiter() {
    return Waiters.current()
        .orElseThrow(() -> new AssertionError("no waiter for the current call"));
  }

  enum SeedPortal {
    WORKER,
    NEW_THREAD
  }

  /** The seed's scenario: a call on a worker gets work done on the thread that waits for it. */
  @ParameterizedTest
  @EnumSource(SeedPortal.class)
  void aCallOnAWorkerSendsACallbackToTheWaitingMainThread(SeedPortal where) throws Exception {
    AtomicReference<Thread> workerThread = new AtomicReference<>();
    Call<Thread> call =
        Call.of(
            "seed",
            () -> {
              workerThread.set(record());
              Call<Thread> callback =
                  currentWaiter().submit(Call.of("back-on-main", Thread::currentThread));
              return callback.result();
            });

    Thread callbackThread =
        where == SeedPortal.WORKER
            ? FromSync.callIn(worker("seed-worker", false), call)
            : FromSync.callInNewThread(call);

    assertSame(me, callbackThread, "the callback must run on the waiting thread");
    assertNotSame(me, workerThread.get());
  }

  // ------------------------------------------------------------------ outcomes

  static final class SimulatedError extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedError() {
      super("simulated");
    }
  }

  @Test
  void exceptionsComeOutAsFromCallResult() {
    RuntimeException unchecked = new IllegalArgumentException("unchecked");
    SimulatedError error = new SimulatedError();
    IOException checked = new IOException("checked");

    assertSame(
        unchecked,
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FromSync.callInNewThread(
                    () -> {
                      record();
                      throw unchecked;
                    })));
    assertSame(
        error,
        assertThrows(
            SimulatedError.class,
            () ->
                FromSync.callInNewThread(
                    () -> {
                      record();
                      throw error;
                    })));
    CompletionException wrapped =
        assertThrows(
            CompletionException.class,
            () ->
                FromSync.callInNewThread(
                    () -> {
                      record();
                      throw checked;
                    }));
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void interruptingTheWaitingThreadCancelsTheCallAndKeepsTheFlag() throws Exception {
    CountDownLatch started = latch();
    CountDownLatch never = latch();
    AtomicBoolean bodyInterrupted = new AtomicBoolean();
    Call<String> call =
        Call.of(
            "interrupted",
            () -> {
              record();
              started.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                bodyInterrupted.set(true);
                throw e;
              }
              return "not cancelled";
            });
    helper(
        "interrupter",
        () -> {
          assertTrue(await(started));
          awaitBlocked(me);
          me.interrupt();
        });

    assertThrows(CallCancelledException.class, () -> FromSync.callInNewThread(call));

    assertTrue(Thread.interrupted(), "the interrupt flag must still be set");
    assertTrue(call.isCancelled());
    assertFalse(call.isTimedOut());
    awaitCondition("the cancelled body was interrupted", bodyInterrupted::get);
  }

  // ------------------------------------------------------------------ deadlocks

  enum BlockingWait {
    RESULT {
      @Override
      Object waitFor(WorkerPortal worker, Call<String> inner) throws Exception {
        return worker.submit(inner).result();
      }
    },
    RESULT_WITH_PATIENCE {
      @Override
      Object waitFor(WorkerPortal worker, Call<String> inner) throws Exception {
        return worker.submit(inner).result(WAIT);
      }
    },
    WAIT_FOR_CALL_IN {
      @Override
      Object waitFor(WorkerPortal worker, Call<String> inner) {
        return FromSync.waitForCallIn(worker, inner);
      }
    },
    CALL_IN {
      @Override
      Object waitFor(WorkerPortal worker, Call<String> inner) {
        return FromSync.callIn(worker, inner, WAIT);
      }
    };

    abstract Object waitFor(WorkerPortal worker, Call<String> inner) throws Exception;
  }

  @ParameterizedTest
  @EnumSource(BlockingWait.class)
  void waitingOnAWorkerForACallQueuedToThatWorkerFailsFast(BlockingWait how) throws Exception {
    WorkerPortal worker = worker("self-waiting", true);
    Call<String> inner = Call.of("inner-call", () -> "inner ran");
    AtomicReference<Thread> workerThread = new AtomicReference<>();
    Call<Throwable> outer =
        worker.submit(
            Call.of(
                "outer-call",
                () -> {
                  workerThread.set(Thread.currentThread());
                  try {
                    how.waitFor(worker, inner);
                    return null;
                  } catch (Throwable t) {
                    return t;
                  }
                }));
    try {
      Throwable thrown = outer.result(WAIT);

      assertInstanceOf(IllegalStateException.class, thrown);
      assertTrue(thrown.getMessage().contains("inner-call"), thrown.getMessage());
      assertTrue(thrown.getMessage().contains(workerThread.get().getName()), thrown.getMessage());
      // Whether a refused inner call is left unsubmitted (its caller still owns it), cancelled,
      // or run later behind the outer one is the runtime's choice; it must not hang queued.
      awaitCondition(
          "the inner call is done or was never submitted",
          () -> inner.isDone() || inner.runner().isEmpty());
    } finally {
      outer.cancel(); // a regression hangs the worker: free it
    }
  }

  @Test
  void aCallWaitingForItselfFailsFast() throws Exception {
    WorkerPortal worker = worker("self", true);
    Call<Throwable> call =
        worker.submit(
            Call.of(
                "self-waiter",
                () -> {
                  try {
                    Call.current().orElseThrow().result();
                    return null;
                  } catch (Throwable t) {
                    return t;
                  }
                }));
    try {
      Throwable thrown = call.result(WAIT);
      assertInstanceOf(IllegalStateException.class, thrown);
      assertTrue(thrown.getMessage().contains("self-waiter"), thrown.getMessage());
    } finally {
      call.cancel();
    }
  }

  @Test
  void waitingOnTheOwnerForACallbackQueuedToItsOwnWaiterFailsFast() throws Exception {
    WorkerPortal worker = worker("owner-deadlock", false);
    CountDownLatch release = latch();
    Call<Boolean> call = Call.of(() -> await(release));
    SyncWaiter<Boolean> waiter = Waiters.sync(call);
    worker.submit(call);
    Call<String> callback = waiter.submit(Call.of("own-callback", () -> "callback ran"));

    IllegalStateException e = assertThrows(IllegalStateException.class, callback::result);
    assertTrue(e.getMessage().contains("own-callback"), e.getMessage());
    assertTrue(e.getMessage().contains(me.getName()), e.getMessage());
    assertThrows(IllegalStateException.class, () -> callback.result(WAIT));
    assertFalse(callback.isDone());

    release.countDown();
    waiter.await();
    assertEquals("callback ran", callback.result(), "the callback still runs in await()");
    assertNull(Waiters.of(call).orElse(null));
  }
}

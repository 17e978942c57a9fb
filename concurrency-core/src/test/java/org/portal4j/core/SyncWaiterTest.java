package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** The blocking waiter: callbacks on the owner thread, done callbacks, registration, interrupts. */
@CheckThreadLeaks
@Timeout(30)
class SyncWaiterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<CountDownLatch> latches = new ArrayList<>();
  private final List<Thread> helpers = new ArrayList<>();
  private final List<Throwable> helperFailures = Collections.synchronizedList(new ArrayList<>());
  private WorkerPortal worker;
  private Thread me;

  @BeforeEach
  void setUp() {
    me = Thread.currentThread();
    worker = Portals.newWorkerThread(PortalOptions.builder().name("sync-waiter-test").build());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    boolean leftInterrupted = Thread.interrupted();
    latches.forEach(CountDownLatch::countDown);
    for (Thread helper : helpers) {
      helper.join(WAIT.toMillis());
      assertFalse(helper.isAlive(), "helper " + helper.getName() + " did not end");
    }
    worker.shutdown();
    assertTrue(worker.awaitTermination(WAIT), "worker did not terminate");
    assertEquals(List.of(), helperFailures, "a helper thread failed");
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

  interface Action {
    void run() throws Exception;
  }

  /** Starts a helper thread; its failures fail the test in @AfterEach. */
  private Thread helper(String name, Action action) {
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
    helpers.add(t);
    t.start();
    return t;
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

  /** Waits until {@code thread} is parked: blocked in a wait, not just runnable. */
  private static void awaitBlocked(Thread thread) {
    awaitCondition(
        thread.getName() + " is blocked",
        () -> {
          Thread.State state = thread.getState();
          return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
        });
  }

  private static Waiter<?> currentWaiter() {
    return Waiters.current()
        .orElseThrow(() -> new AssertionError("no waiter for the current call"));
  }

  enum Outcome {
    SUCCESS,
    FAILURE,
    CANCEL
  }

  /**
   * A call that ends as {@code outcome} says; for CANCEL it blocks until a helper cancels it once
   * its body has started.
   */
  private Call<String> callEndingWith(Outcome outcome, Action inBody) {
    CountDownLatch started = latch();
    CountDownLatch never = latch();
    Call<String> call =
        Call.of(
            "ends-with-" + outcome,
            () -> {
              inBody.run();
              started.countDown();
              switch (outcome) {
                case SUCCESS:
                  return "ok";
                case FAILURE:
                  throw new IllegalArgumentException("failed on purpose");
                default:
                  never.await();
                  return "not cancelled";
              }
            });
    if (outcome == Outcome.CANCEL) {
      helper(
          "canceller",
          () -> {
            assertTrue(await(started));
            call.cancel();
          });
    }
    return call;
  }

  private static void assertEndedWith(Outcome outcome, Call<String> call) {
    switch (outcome) {
      case SUCCESS:
        assertEquals("ok", call.result());
        break;
      case FAILURE:
        assertThrows(IllegalArgumentException.class, call::result);
        break;
      default:
        assertTrue(call.isCancelled());
        assertThrows(CallCancelledException.class, call::result);
    }
  }

  // ------------------------------------------------------------------ owner and callbacks

  @Test
  void ownerIsTheCreatingThread() throws Exception {
    Call<Integer> call = Call.of(() -> 1);
    SyncWaiter<Integer> waiter = Waiters.sync(call);
    assertSame(me, waiter.owner());
    assertSame(call, waiter.call());
    assertFalse(waiter.isCallDone());

    Call<Integer> elsewhere = Call.of(() -> 2);
    AtomicReference<SyncWaiter<Integer>> other = new AtomicReference<>();
    Thread creator = helper("creator", () -> other.set(Waiters.sync(elsewhere)));
    creator.join(WAIT.toMillis());
    assertSame(creator, other.get().owner());

    worker.submit(call);
    assertSame(call, waiter.await());
    assertTrue(waiter.isCallDone());
    elsewhere.cancel(); // never awaited: its waiter goes away with its call
  }

  @Test
  void callbacksFromTheCallRunOnTheOwnerInSubmissionOrder() throws Exception {
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Thread> ranOn = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Thread> callThread = new AtomicReference<>();
    AtomicReference<Waiter<?>> runnerSeen = new AtomicReference<>();
    Call<Void> call =
        Call.of(
            "sender",
            () -> {
              callThread.set(Thread.currentThread());
              Waiter<?> waiter = currentWaiter();
              List<Call<Thread>> callbacks = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                int n = i;
                callbacks.add(
                    waiter.submit(
                        Call.of(
                            () -> {
                              ran.add(n);
                              return Thread.currentThread();
                            })));
              }
              runnerSeen.set((Waiter<?>) callbacks.get(0).runner().orElseThrow());
              for (Call<Thread> callback : callbacks) {
                ranOn.add(callback.result());
              }
              return null;
            });
    SyncWaiter<Void> waiter = Waiters.sync(call);
    worker.submit(call);

    assertSame(call, waiter.await());

    call.result();
    assertNotSame(me, callThread.get());
    assertSame(waiter, runnerSeen.get(), "a callback's runner is the waiter");
    assertEquals(IntStream.range(0, 20).boxed().collect(Collectors.toList()), ran);
    assertEquals(Collections.nCopies(20, me), ranOn);
  }

  @Test
  void callbacksMayBeSubmittedFromAnyThread() throws Exception {
    CountDownLatch release = latch();
    Call<Boolean> call = Call.of(() -> await(release));
    SyncWaiter<Boolean> waiter = Waiters.sync(call);
    worker.submit(call);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    helper(
        "submitter",
        () -> {
          Call<Void> callback =
              waiter.submit(
                  Call.of(
                      () -> {
                        ranOn.set(Thread.currentThread());
                        return null;
                      }));
          callback.result(WAIT);
          release.countDown();
        });

    waiter.await();

    assertTrue(call.result());
    assertSame(me, ranOn.get());
  }

  @ParameterizedTest
  @EnumSource(Outcome.class)
  void doneCallbacksRunOnTheOwnerAfterTheCall(Outcome outcome) throws Exception {
    Call<String> call = callEndingWith(outcome, () -> {});
    SyncWaiter<String> waiter = Waiters.sync(call);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicBoolean sawCallDone = new AtomicBoolean();
    Call<Void> first =
        Call.of(
            () -> {
              ranOn.set(Thread.currentThread());
              sawCallDone.set(call.isDone());
              events.add("done-1");
              return null;
            });
    Call<Void> second =
        Call.of(
            () -> {
              events.add("done-2");
              return null;
            });
    waiter.addDoneCallback(first);
    waiter.addDoneCallback(second);
    worker.submit(call);

    assertSame(call, waiter.await());

    assertEquals(List.of("done-1", "done-2"), events);
    assertSame(me, ranOn.get());
    assertTrue(sawCallDone.get(), "done callbacks run after the call is done");
    assertTrue(first.isDone());
    assertTrue(second.isDone());
    assertEndedWith(outcome, call);
  }

  @Test
  void doneCallbacksRunAfterTheCallbacksTheCallSent() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Call<Void> call =
        Call.of(
            () -> {
              currentWaiter()
                  .submit(
                      Call.of(
                          () -> {
                            events.add("callback");
                            return null;
                          }));
              return null;
            });
    SyncWaiter<Void> waiter = Waiters.sync(call);
    waiter.addDoneCallback(
        Call.of(
            () -> {
              events.add("done");
              return null;
            }));
    worker.submit(call);

    waiter.await();

    assertEquals(List.of("callback", "done"), events);
  }

  @Test
  void submitToAWaiterWhoseCallIsDoneThrowsIllegalStateException() throws Exception {
    Call<Integer> awaited = Call.of(() -> 1);
    SyncWaiter<Integer> waiter = Waiters.sync(awaited);
    worker.submit(awaited);
    waiter.await();

    Call<Integer> late = Call.of(() -> 2);
    assertThrows(IllegalStateException.class, () -> waiter.submit(late));
    assertFalse(late.isDone());
    assertFalse(late.runner().isPresent(), "a refused callback must not get a runner");

    Call<Integer> notAwaited = Call.of(() -> 3);
    SyncWaiter<Integer> idle = Waiters.sync(notAwaited);
    notAwaited.run();
    assertThrows(IllegalStateException.class, () -> idle.submit(Call.of(() -> 4)));
  }

  // ------------------------------------------------------------------ cancellation

  @Test
  void cancellingTheCallCancelsQueuedAndRunningCallbacks() throws Exception {
    CountDownLatch callbackStarted = latch();
    CountDownLatch bothSubmitted = latch();
    CountDownLatch never = latch();
    AtomicBoolean runningWasInterrupted = new AtomicBoolean();
    AtomicBoolean queuedRan = new AtomicBoolean();
    AtomicReference<Call<Void>> running = new AtomicReference<>();
    AtomicReference<Call<Void>> queued = new AtomicReference<>();
    Call<Void> call =
        Call.of(
            "cancelled-while-calling-back",
            () -> {
              Waiter<?> waiter = currentWaiter();
              running.set(
                  waiter.submit(
                      Call.of(
                          "blocking-callback",
                          () -> {
                            callbackStarted.countDown();
                            try {
                              never.await();
                            } catch (InterruptedException e) {
                              runningWasInterrupted.set(true);
                              throw e;
                            }
                            return null;
                          })));
              queued.set(
                  waiter.submit(
                      Call.of(
                          "queued-callback",
                          () -> {
                            queuedRan.set(true);
                            return null;
                          })));
              bothSubmitted.countDown();
              never.await();
              return null;
            });
    SyncWaiter<Void> waiter = Waiters.sync(call);
    worker.submit(call);
    helper(
        "canceller",
        () -> {
          assertTrue(await(callbackStarted));
          assertTrue(await(bothSubmitted));
          call.cancel();
        });

    assertSame(call, waiter.await()); // returns: waiting never outlasts the call

    assertTrue(call.isCancelled());
    assertTrue(running.get().isCancelled(), "the running callback must be cancelled");
    assertTrue(runningWasInterrupted.get(), "the running callback must be interrupted");
    assertTrue(queued.get().isCancelled(), "the queued callback must be cancelled");
    assertFalse(queuedRan.get(), "a cancelled callback must not run");
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void cancellingTheCallCancelsARunningAsyncCallback() throws Exception {
    CompletableFuture<String> neverCompleted = new CompletableFuture<>();
    CountDownLatch callbackStarted = latch();
    CountDownLatch never = latch();
    AtomicReference<Call<String>> callback = new AtomicReference<>();
    Call<Void> call =
        Call.of(
            () -> {
              callback.set(
                  currentWaiter()
                      .submit(
                          Call.ofAsync(
                              "async-callback",
                              () -> {
                                callbackStarted.countDown();
                                return neverCompleted;
                              })));
              never.await();
              return null;
            });
    SyncWaiter<Void> waiter = Waiters.sync(call);
    worker.submit(call);
    helper(
        "canceller",
        () -> {
          assertTrue(await(callbackStarted));
          awaitCondition("the async callback is in flight", () -> callback.get() != null);
          call.cancel();
        });

    waiter.await();

    assertTrue(call.isCancelled());
    assertTrue(callback.get().isCancelled());
    // Call.cancel() marks the callback done before it cancels the stage, and await() may return
    // in between: wait for the stage's cancellation, with a deadline.
    awaitCondition("the callback's stage is cancelled", neverCompleted::isCancelled);
  }

  // ------------------------------------------------------------------ registration

  @Test
  void registeredForItsOwnerWhenCreatedInnermostLast() throws Exception {
    assertEquals(List.of(), Waiters.forThread(me));
    Call<Integer> outer = Call.of(() -> 1);
    Call<Integer> inner = Call.of(() -> 2);

    SyncWaiter<Integer> outerWaiter = Waiters.sync(outer);
    assertEquals(List.of(outerWaiter), Waiters.forThread(me));
    SyncWaiter<Integer> innerWaiter = Waiters.sync(inner);
    assertEquals(List.of(outerWaiter, innerWaiter), Waiters.forThread(me));
    assertEquals(Optional.of(outerWaiter), Waiters.of(outer));
    assertEquals(Optional.of(innerWaiter), Waiters.of(inner));

    Thread workerThread = worker.submit(Call.of(Thread::currentThread)).result(WAIT);
    assertEquals(List.of(), Waiters.forThread(workerThread), "waiters are per owner thread");

    worker.submit(inner);
    innerWaiter.await();
    assertEquals(List.of(outerWaiter), Waiters.forThread(me));
    worker.submit(outer);
    outerWaiter.await();
    assertEquals(List.of(), Waiters.forThread(me));
  }

  @ParameterizedTest
  @EnumSource(Outcome.class)
  void removedWhenWaitingEnds(Outcome outcome) throws Exception {
    AtomicBoolean registeredInCall = new AtomicBoolean();
    AtomicBoolean registeredInDoneCallback = new AtomicBoolean();
    Call<String> call =
        callEndingWith(
            outcome,
            () -> {
              registeredInCall.set(Waiters.forThread(me).contains(currentWaiter()));
              // End only once the owner waits: a waiter whose call ends before anyone awaits it
              // is dropped at once (the "never awaited" rule), which is not what this tests.
              awaitBlocked(me);
            });
    SyncWaiter<String> waiter = Waiters.sync(call);
    waiter.addDoneCallback(
        Call.of(
            () -> {
              registeredInDoneCallback.set(Waiters.forThread(me).contains(waiter));
              return null;
            }));
    worker.submit(call);

    waiter.await();

    assertTrue(registeredInCall.get(), "registered while the call runs");
    assertTrue(registeredInDoneCallback.get(), "registered until waiting ends");
    assertEquals(List.of(), Waiters.forThread(me));
    assertEquals(Optional.empty(), Waiters.of(call));
    assertEndedWith(outcome, call);
  }

  @Test
  void neverAwaitedWaiterIsRemovedWhenItsCallIsDone() throws Exception {
    Call<Integer> ran = Call.of(() -> 1);
    SyncWaiter<Integer> ranWaiter = Waiters.sync(ran);
    Call<Integer> cancelled = Call.of(() -> 2);
    SyncWaiter<Integer> cancelledWaiter = Waiters.sync(cancelled);
    assertEquals(List.of(ranWaiter, cancelledWaiter), Waiters.forThread(me));

    cancelled.cancel();
    assertEquals(List.of(ranWaiter), Waiters.forThread(me));
    assertEquals(Optional.empty(), Waiters.of(cancelled));

    worker.submit(ran);
    assertEquals(1, ran.result(WAIT));
    awaitCondition("the waiter of a done call is removed", () -> Waiters.of(ran).isEmpty());
    assertEquals(List.of(), Waiters.forThread(me));
  }

  @Test
  void ofAndCurrentFindTheWaiter() throws Exception {
    assertEquals(Optional.empty(), Waiters.current(), "no call runs on the test thread");
    assertEquals(Optional.empty(), Waiters.of(Call.of(() -> 0)));

    Call<Optional<Waiter<?>>> unwatched = Call.of(Waiters::current);
    assertEquals(Optional.empty(), worker.submit(unwatched).result(WAIT));

    Call<Optional<Waiter<?>>> watched = Call.of(Waiters::current);
    SyncWaiter<Optional<Waiter<?>>> waiter = Waiters.sync(watched);
    assertEquals(Optional.of(waiter), Waiters.of(watched));
    worker.submit(watched);
    waiter.await();

    assertEquals(Optional.of(waiter), watched.result());
  }

  @ParameterizedTest(name = "await after the call is done: {0}")
  @ValueSource(booleans = {false, true})
  void callbacksSubmittedBeforeTheCallFinishedRunBeforeAwaitReturns(boolean awaitLate)
      throws Exception {
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Call<Thread>> callbacks = Collections.synchronizedList(new ArrayList<>());
    Call<String> call =
        Call.of(
            () -> {
              Waiter<?> waiter = currentWaiter();
              for (int i = 0; i < 10; i++) {
                int n = i;
                callbacks.add(
                    waiter.submit(
                        Call.of(
                            () -> {
                              ran.add(n);
                              return Thread.currentThread();
                            })));
              }
              return "returned without waiting";
            });
    SyncWaiter<String> waiter = Waiters.sync(call);
    worker.submit(call);
    if (awaitLate) {
      assertEquals("returned without waiting", call.result(WAIT));
    }

    waiter.await();

    assertEquals(IntStream.range(0, 10).boxed().collect(Collectors.toList()), ran);
    for (Call<Thread> callback : callbacks) {
      assertTrue(callback.isDone());
      assertSame(me, callback.result());
    }
  }

  @Test
  void asyncCallbacksCompleteBeforeAwaitReturns() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    CountDownLatch callbackStarted = latch();
    CountDownLatch callDoneCallbacksRan = latch();
    Call<Call<String>> call =
        Call.of(
            () ->
                currentWaiter()
                    .submit(
                        Call.ofAsync(
                            "async-callback",
                            () -> {
                              callbackStarted.countDown();
                              return stage;
                            })));
    SyncWaiter<Call<String>> waiter = Waiters.sync(call);
    call.addDoneCallback(done -> callDoneCallbacksRan.countDown()); // after the waiter's own
    worker.submit(call);
    helper(
        "completer",
        () -> {
          assertTrue(await(callbackStarted));
          assertTrue(await(callDoneCallbacksRan));
          awaitBlocked(me); // the owner now waits for the async callback
          stage.complete("completed later, elsewhere");
        });

    waiter.await();

    Call<String> callback = call.result();
    assertTrue(callback.isDone(), "await() returned before the async callback completed");
    assertEquals("completed later, elsewhere", callback.result());
  }

  // ------------------------------------------------------------------ misuse

  @Test
  void awaitFromAThreadOtherThanTheOwnerThrowsIllegalStateException() throws Exception {
    Call<Integer> call = Call.of(() -> 1);
    SyncWaiter<Integer> waiter = Waiters.sync(call);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread stranger =
        helper(
            "stranger",
            () -> {
              try {
                waiter.await();
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    stranger.join(WAIT.toMillis());

    assertInstanceOf(IllegalStateException.class, thrown.get());
    worker.submit(call);
    assertSame(call, waiter.await(), "the owner can still wait");
  }

  @Test
  void awaitTwiceThrowsIllegalStateException() throws Exception {
    Call<Integer> call = Call.of(() -> 1);
    SyncWaiter<Integer> waiter = Waiters.sync(call);
    worker.submit(call);
    waiter.await();

    assertThrows(IllegalStateException.class, waiter::await);
  }

  @Test
  void addDoneCallbackAfterWaitingEndedThrowsIllegalStateException() throws Exception {
    Call<Integer> call = Call.of(() -> 1);
    SyncWaiter<Integer> waiter = Waiters.sync(call);
    worker.submit(call);
    waiter.await();

    Call<Void> late = Call.of(() -> null);
    assertThrows(IllegalStateException.class, () -> waiter.addDoneCallback(late));
    assertFalse(late.isDone());
  }

  @Test
  void aSecondWaiterForTheSameCallThrowsIllegalStateException() throws Exception {
    Call<Integer> call = Call.of(() -> 1);
    SyncWaiter<Integer> first = Waiters.sync(call);

    assertThrows(IllegalStateException.class, () -> Waiters.sync(call));
    AtomicReference<Throwable> elsewhere = new AtomicReference<>();
    Thread other =
        helper(
            "second-waiter",
            () -> {
              try {
                Waiters.sync(call);
              } catch (Throwable e) {
                elsewhere.set(e);
              }
            });
    other.join(WAIT.toMillis());
    assertInstanceOf(IllegalStateException.class, elsewhere.get());

    assertEquals(Optional.of(first), Waiters.of(call));
    assertEquals(List.of(first), Waiters.forThread(me));
    assertEquals(List.of(), Waiters.forThread(other));
    worker.submit(call);
    first.await();
  }

  // ------------------------------------------------------------------ interrupts

  @Test
  void interruptingTheOwnerInAwaitCancelsTheCallAndKeepsTheFlag() throws Exception {
    CountDownLatch started = latch();
    CountDownLatch never = latch();
    Call<String> call =
        Call.of(
            "interrupted-wait",
            () -> {
              started.countDown();
              never.await();
              return "not cancelled";
            });
    SyncWaiter<String> waiter = Waiters.sync(call);
    worker.submit(call);
    helper(
        "interrupter",
        () -> {
          assertTrue(await(started));
          awaitBlocked(me);
          me.interrupt();
        });

    assertThrows(CallCancelledException.class, waiter::await);

    assertTrue(Thread.interrupted(), "the interrupt flag must still be set");
    assertTrue(call.isCancelled());
    assertFalse(call.isTimedOut());
    assertThrows(CallCancelledException.class, call::result);
    assertEquals(List.of(), Waiters.forThread(me));
  }

  @Test
  void interruptingTheOwnerWhileItRunsACallbackCancelsTheCallAndKeepsTheFlag() throws Exception {
    // The owner is inside await(), running a callback that blocks; the callback lets its
    // InterruptedException out, as a Callable may. The interrupt is still meant for the wait.
    CountDownLatch callbackStarted = latch();
    CountDownLatch never = latch();
    AtomicReference<Call<Void>> callback = new AtomicReference<>();
    Call<String> call =
        Call.of(
            "waited-while-calling-back",
            () -> {
              callback.set(
                  currentWaiter()
                      .submit(
                          Call.of(
                              "interruptible-callback",
                              () -> {
                                callbackStarted.countDown();
                                never.await();
                                return null;
                              })));
              never.await();
              return "not cancelled";
            });
    SyncWaiter<String> waiter = Waiters.sync(call);
    worker.submit(call);
    helper(
        "interrupter",
        () -> {
          assertTrue(await(callbackStarted));
          awaitBlocked(me);
          me.interrupt();
        });

    assertThrows(CallCancelledException.class, waiter::await);

    assertTrue(Thread.interrupted(), "the interrupt flag must still be set");
    assertTrue(call.isCancelled(), "the interrupt must cancel the waited call");
  }

  @Test
  void anInterruptFlagAlreadySetWhenAwaitStartsCountsAsAnInterrupt() throws Exception {
    CountDownLatch started = latch();
    CountDownLatch never = latch();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              never.await();
              return "not cancelled";
            });
    SyncWaiter<String> waiter = Waiters.sync(call);
    worker.submit(call);
    assertTrue(await(started));

    Thread.currentThread().interrupt();
    assertThrows(CallCancelledException.class, waiter::await);

    assertTrue(Thread.interrupted(), "the interrupt flag must still be set");
    assertTrue(call.isCancelled());
    assertEquals(List.of(), Waiters.forThread(me));
  }
}

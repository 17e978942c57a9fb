package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * An interrupt reaches every blocking method of the library: the wait ends promptly, the way the
 * method documents, with the thread's interrupt flag still set (or the {@link InterruptedException}
 * thrown, where the method declares it). A flag already set when the wait starts counts too.
 *
 * <p>Each case blocks a thread on something that will not finish by itself, waits until the thread
 * is parked, interrupts it, and checks how the wait ended and what happened to the call.
 */
@CheckThreadLeaks
@Timeout(60)
class InterruptAtEveryWaitTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** How a wait must end when interrupted. */
  enum Ending {
    /**
     * {@code CompletionException} caused by {@code InterruptedException}; the call is untouched.
     */
    COMPLETION_EXCEPTION_CALL_UNTOUCHED,
    /** {@code CallCancelledException}; the waited call is cancelled. */
    CALL_CANCELLED,
    /** The method declares and throws {@code InterruptedException}. */
    INTERRUPTED_EXCEPTION,
    /**
     * {@code CompletionException} caused by {@code InterruptedException}; nothing is waited for.
     */
    COMPLETION_EXCEPTION
  }

  /** One blocking method with something to block on, made fresh per run. */
  interface Case {
    /** Prepares what to block on, returns the wait to run on the test thread. */
    Wait prepare(Fixture fixture) throws Exception;
  }

  /** The blocking wait, and the call it waits for (null if none). */
  record Wait(Call<?> call, ThrowingRunnable body) {}

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** What a case makes; everything is released and shut down after the test. */
  static final class Fixture {
    final CountDownLatch release = new CountDownLatch(1);
    final List<WorkerPortal> portals = new ArrayList<>();

    Call<String> blockingCall() {
      return Call.of(
          () -> {
            release.await();
            return "released";
          });
    }

    <P extends WorkerPortal> P track(P portal) {
      portals.add(portal);
      return portal;
    }

    void cleanUp() throws InterruptedException {
      release.countDown();
      for (WorkerPortal portal : portals) {
        portal.shutdown();
      }
      for (WorkerPortal portal : portals) {
        assertTrue(portal.awaitTermination(WAIT), portal + " did not terminate");
      }
    }
  }

  private final Fixture fixture = new Fixture();

  @AfterEach
  void cleanUp() throws InterruptedException {
    Thread.interrupted();
    fixture.cleanUp();
  }

  static Stream<Arguments> waits() {
    return Stream.of(
        Arguments.of(
            "Call.result()",
            Ending.COMPLETION_EXCEPTION_CALL_UNTOUCHED,
            (Case)
                f -> {
                  Call<String> call = f.track(Portals.newWorkerThread()).submit(f.blockingCall());
                  return new Wait(call, call::result);
                }),
        Arguments.of(
            "Call.result(Duration)",
            Ending.COMPLETION_EXCEPTION_CALL_UNTOUCHED,
            (Case)
                f -> {
                  Call<String> call = f.track(Portals.newWorkerThread()).submit(f.blockingCall());
                  return new Wait(call, () -> call.result(Duration.ofMinutes(5)));
                }),
        Arguments.of(
            "Call.result(forever)",
            Ending.COMPLETION_EXCEPTION_CALL_UNTOUCHED,
            (Case)
                f -> {
                  Call<String> call = f.track(Portals.newWorkerThread()).submit(f.blockingCall());
                  return new Wait(call, () -> call.result(Duration.ofSeconds(Long.MAX_VALUE)));
                }),
        Arguments.of(
            "toCompletableFuture().get()",
            Ending.INTERRUPTED_EXCEPTION,
            (Case)
                f -> {
                  Call<String> call = f.track(Portals.newWorkerThread()).submit(f.blockingCall());
                  return new Wait(call, () -> call.toCompletableFuture().get());
                }),
        Arguments.of(
            "SyncWaiter.await()",
            Ending.CALL_CANCELLED,
            (Case)
                f -> {
                  Call<String> call = f.blockingCall();
                  WorkerPortal worker = f.track(Portals.newWorkerThread());
                  return new Wait(
                      call,
                      () -> {
                        var waiter = Waiters.sync(call);
                        worker.submit(call);
                        waiter.await();
                      });
                }),
        Arguments.of(
            "FromSync.callIn(worker)",
            Ending.CALL_CANCELLED,
            (Case)
                f -> {
                  Call<String> call = f.blockingCall();
                  WorkerPortal worker = f.track(Portals.newWorkerThread());
                  return new Wait(call, () -> FromSync.callIn(worker, call));
                }),
        Arguments.of(
            "FromSync.callInNewThread",
            Ending.CALL_CANCELLED,
            (Case)
                f -> {
                  Call<String> call = f.blockingCall();
                  return new Wait(call, () -> FromSync.callInNewThread(call));
                }),
        Arguments.of(
            "FromSync.callInLoopThread",
            Ending.CALL_CANCELLED,
            (Case)
                f -> {
                  Portals.globalLoop(); // started here, so the only wait is the one for the call
                  Call<String> call = f.blockingCall();
                  return new Wait(call, () -> FromSync.callInLoopThread(call));
                }),
        Arguments.of(
            "WorkerPortal.awaitTermination",
            Ending.INTERRUPTED_EXCEPTION,
            (Case)
                f -> {
                  WorkerPortal worker = f.track(Portals.newWorkerThread());
                  worker.submit(f.blockingCall());
                  worker.shutdown();
                  return new Wait(null, () -> worker.awaitTermination(Duration.ofMinutes(5)));
                }),
        Arguments.of(
            "LoopPortal.start() waiting for readiness",
            Ending.COMPLETION_EXCEPTION,
            (Case)
                f -> {
                  EventLoopPortal loop =
                      f.track(
                          new EventLoopPortal(PortalOptions.defaults()) {
                            @Override
                            protected void onLoopStart() throws InterruptedException {
                              f.release.await();
                            }
                          });
                  return new Wait(null, loop::start);
                }),
        Arguments.of(
            "Portals.waitForGlobalLoopExit",
            Ending.COMPLETION_EXCEPTION,
            (Case)
                f -> {
                  LoopPortal global = Portals.globalLoop();
                  global.addShutdownCall(f.blockingCall());
                  return new Wait(null, () -> Portals.waitForGlobalLoopExit(Duration.ofMinutes(5)));
                }));
  }

  @ParameterizedTest(name = "{0}, interrupted while waiting")
  @MethodSource("waits")
  void anInterruptWhileWaitingEndsTheWaitAsDocumented(String method, Ending ending, Case blocking)
      throws Exception {
    Wait wait = blocking.prepare(fixture);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                wait.body().run();
              } catch (Throwable t) {
                thrown.set(t);
              }
              flagAfter.complete(Thread.currentThread().isInterrupted());
            },
            "waiter-" + method);
    waiter.start();
    awaitParked(waiter);
    waiter.interrupt();
    boolean flag = flagAfter.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    waiter.join(WAIT.toMillis());
    checkEnding(ending, thrown.get(), flag, wait.call());
  }

  @ParameterizedTest(name = "{0}, with the flag already set")
  @MethodSource("waits")
  void aFlagAlreadySetWhenTheWaitStartsCountsAsAnInterrupt(
      String method, Ending ending, Case blocking) throws Exception {
    Wait wait = blocking.prepare(fixture);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CompletableFuture<Boolean> flagAfter = new CompletableFuture<>();
    Thread waiter =
        new Thread(
            () -> {
              Thread.currentThread().interrupt();
              try {
                wait.body().run();
              } catch (Throwable t) {
                thrown.set(t);
              }
              flagAfter.complete(Thread.currentThread().isInterrupted());
            },
            "waiter-" + method);
    waiter.start();
    boolean flag = flagAfter.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    waiter.join(WAIT.toMillis());
    checkEnding(ending, thrown.get(), flag, wait.call());
  }

  private static void checkEnding(Ending ending, Throwable thrown, boolean flag, Call<?> call) {
    assertNotNull(thrown, "the interrupted wait returned normally");
    switch (ending) {
      case COMPLETION_EXCEPTION_CALL_UNTOUCHED:
        assertInstanceOf(CompletionException.class, thrown);
        assertInstanceOf(InterruptedException.class, thrown.getCause());
        assertTrue(flag, "the interrupt flag must still be set");
        assertFalse(call.isDone(), "the call must be left alone");
        break;
      case CALL_CANCELLED:
        assertInstanceOf(CallCancelledException.class, thrown, thrown.toString());
        assertTrue(flag, "the interrupt flag must still be set");
        assertTrue(call.isCancelled(), "the waited call must be cancelled");
        break;
      case INTERRUPTED_EXCEPTION:
        assertInstanceOf(InterruptedException.class, thrown, thrown.toString());
        if (call != null) {
          assertFalse(call.isDone(), "the call must be left alone");
        }
        break;
      case COMPLETION_EXCEPTION:
        assertInstanceOf(CompletionException.class, thrown, thrown.toString());
        assertInstanceOf(InterruptedException.class, thrown.getCause());
        assertTrue(flag, "the interrupt flag must still be set");
        break;
      default:
        fail("unknown ending " + ending);
    }
  }

  /** Waits until {@code thread} is parked in its wait (or has already ended). */
  private static void awaitParked(Thread thread) {
    long end = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Thread.State state = thread.getState();
      if (state == Thread.State.WAITING
          || state == Thread.State.TIMED_WAITING
          || state == Thread.State.TERMINATED) {
        return;
      }
      if (System.nanoTime() - end > 0) {
        fail(thread.getName() + " never blocked; it is " + state);
      }
      Thread.onSpinWait();
    }
  }
}

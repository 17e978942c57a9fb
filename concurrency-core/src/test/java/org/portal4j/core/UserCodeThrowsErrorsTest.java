package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.support.AbstractWorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * User code that throws {@link Error}s, everywhere the library runs it: functions, callbacks, stage
 * classes, portal hooks, thread factories and executors. The error reaches whoever asks for the
 * outcome (or a log line), the other callbacks still run, and no thread of the library dies of it.
 */
@CheckThreadLeaks
@Timeout(60)
class UserCodeThrowsErrorsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<WorkerPortal> portals = new CopyOnWriteArrayList<>();

  @AfterEach
  void shutDown() throws InterruptedException {
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

  @Test
  void aFunctionThrowingAnErrorFailsItsCallAndTheWorkerRunsTheNextOne() {
    WorkerPortal worker = track(Portals.newWorkerThread());
    StackOverflowError error = new StackOverflowError("deep");
    Call<Object> failing =
        worker.submit(
            Call.of(
                () -> {
                  throw error;
                }));
    assertSame(error, assertThrows(StackOverflowError.class, failing::result));
    assertEquals("next", worker.submit(() -> "next").result());
  }

  @Test
  void aFunctionThrowingAnErrorOnTheLoopFailsItsCallAndTheLoopGoesOn() {
    LoopPortal loop = track(Portals.newEventLoopThread());
    OutOfMemoryError error = new OutOfMemoryError("pretend");
    Call<Object> failing =
        loop.submit(
            Call.of(
                () -> {
                  throw error;
                }));
    assertSame(error, assertThrows(OutOfMemoryError.class, failing::result));
    assertEquals("next", loop.submit(() -> "next").result());
  }

  @Test
  void aCallbackSentBackToTheWaiterThatThrowsAnErrorFailsOnlyThatCallback() {
    AssertionError error = new AssertionError("callback");
    String result =
        FromSync.callInNewThread(
            () -> {
              Call<Object> callback =
                  Waiters.current()
                      .orElseThrow()
                      .submit(
                          Call.of(
                              () -> {
                                throw error;
                              }));
              assertSame(error, assertThrows(AssertionError.class, callback::result));
              return "survived";
            });
    assertEquals("survived", result);
  }

  @Test
  void cancelAndDoneCallbacksThatThrowErrorsAreLoggedAndTheOthersStillRun() {
    List<String> ran = new CopyOnWriteArrayList<>();
    Call<String> call = Call.of(() -> "never");
    call.addCancelCallback(
        () -> {
          throw new LinkageError("cancel callback");
        });
    call.addCancelCallback(() -> ran.add("second cancel callback"));
    call.addDoneCallback(
        done -> {
          throw new Error("done callback");
        });
    call.addDoneCallback(done -> ran.add("second done callback"));
    try (LogCapture logs = LogCapture.start()) {
      assertTrue(call.cancel());
      call.addDoneCallback(
          done -> {
            throw new Error("late done callback");
          });
      assertEquals(List.of("second cancel callback", "second done callback"), ran);
      assertTrue(call.isCancelled());
      assertEquals(3, logs.at(Level.ERROR).size(), logs.events().toString());
    }
  }

  @Test
  void anAsyncFunctionWhoseStageThrowsAnErrorFromWhenCompleteFailsTheCall() {
    Error error = new Error("stage");
    CompletableFuture<String> hostile =
        new CompletableFuture<>() {
          @Override
          public CompletableFuture<String> whenComplete(
              BiConsumer<? super String, ? super Throwable> action) {
            throw error;
          }
        };
    Call<String> call = Call.ofAsync(() -> hostile);
    call.run();
    assertTrue(call.isDone(), "the call must not be left running");
    assertSame(error, assertThrows(Error.class, call::result));
  }

  @Test
  void anAsyncFunctionWhoseStageThrowsFromCancelStillEndsCancelled() {
    CompletableFuture<String> hostile =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            throw new Error("cancel");
          }
        };
    LoopPortal loop = track(Portals.newEventLoopThread());
    Call<String> call = loop.submit(Call.<String>ofAsync(() -> hostile));
    CallTestSupport.awaitCondition(call::isRunning, "the call is in flight");
    try (LogCapture logs = LogCapture.start()) {
      assertTrue(call.cancel());
    }
    assertTrue(call.isCancelled());
  }

  @Test
  void anOnStartHookThatThrowsAnErrorFailsTheStartAndCancelsWhatTheLoopTook() {
    Error failure = new Error("no start");
    EventLoopPortal loop =
        track(
            new EventLoopPortal(PortalOptions.defaults()) {
              @Override
              protected void onLoopStart() {
                throw failure;
              }
            });
    Call<String> shutdownCall = Call.of(() -> "never");
    loop.addShutdownCall(shutdownCall);
    Call<String> queued = loop.submit(Call.of(() -> "never"));
    try (LogCapture logs = LogCapture.start()) {
      assertSame(failure, assertThrows(Error.class, loop::start));
      CallCancelledException cancelled = assertThrows(CallCancelledException.class, queued::result);
      assertSame(failure, cancelled.getCause());
      assertSame(
          failure, assertThrows(CallCancelledException.class, shutdownCall::result).getCause());
    }
  }

  @Test
  void aThreadFactoryThatThrowsFailsTheStartAndCancelsTheCallWithTheCause() {
    LinkageError failure = new LinkageError("no thread");
    AbstractWorkerPortal worker =
        track(
            new AbstractWorkerPortal(PortalOptions.defaults(), "NoThread") {
              @Override
              protected Thread newThread(Runnable body) {
                throw failure;
              }
            });
    try (LogCapture logs = LogCapture.start()) {
      Call<String> call = worker.submit(Call.of(() -> "never"));
      assertSame(failure, assertThrows(CallCancelledException.class, call::result).getCause());
      assertTrue(worker.isShutdown());
      assertSame(failure, assertThrows(LinkageError.class, worker::start));
    }
  }

  @Test
  void anExecutorThatThrowsAnErrorCancelsTheQueuedCallsWithTheCause() {
    Error failure = new Error("full");
    Executor refusing =
        task -> {
          throw failure;
        };
    AbstractWorkerPortal worker =
        track(new AbstractWorkerPortal(PortalOptions.defaults(), "Refused", refusing) {});
    try (LogCapture logs = LogCapture.start()) {
      Call<String> call = worker.submit(Call.of(() -> "never"));
      assertSame(failure, assertThrows(CallCancelledException.class, call::result).getCause());
    }
  }

  @Test
  void anExecutorThatRefusesLaterCancelsWhatIsQueuedAndTheNextSubmitTriesAgain() {
    List<Runnable> accepted = new CopyOnWriteArrayList<>();
    boolean[] refuse = {false};
    Executor flaky =
        task -> {
          if (refuse[0]) {
            throw new RejectedExecutionException("busy");
          }
          accepted.add(task);
        };
    AbstractWorkerPortal worker =
        track(new AbstractWorkerPortal(PortalOptions.defaults(), "Flaky", flaky) {});
    worker.start();
    accepted.remove(0).run(); // the first drain: nothing queued yet
    refuse[0] = true;
    Call<String> refused;
    try (LogCapture logs = LogCapture.start()) {
      refused = worker.submit(Call.of(() -> "never"));
    }
    assertTrue(refused.isCancelled());
    refuse[0] = false;
    Call<String> next = worker.submit(Call.of(() -> "ran"));
    accepted.remove(0).run();
    assertEquals("ran", next.result());
    worker.shutdown();
    accepted.remove(0).run(); // the drain that runs the shutdown
    assertTrue(worker.isTerminated());
  }

  @Test
  void onTerminatedThatThrowsIsLoggedAndTheWorkerStillTerminates() throws InterruptedException {
    AbstractWorkerPortal worker =
        new AbstractWorkerPortal(PortalOptions.defaults(), "BadEnd") {
          @Override
          protected void onTerminated() {
            throw new Error("end");
          }
        };
    try (LogCapture logs = LogCapture.start()) {
      worker.submit(Call.of(() -> "ran")).result();
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }
}

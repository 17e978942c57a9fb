package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.test.CheckThreadLeaks;

/** FromSync's loop methods: callInLoopThread, waitForCallInLoopThread, callSoonInLoopThread. */
@CheckThreadLeaks
class FromSyncLoopTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<Runnable> releases = new ArrayList<>();

  @AfterEach
  void release() {
    releases.forEach(Runnable::run);
  }

  private static Thread globalThread() throws Exception {
    return Portals.globalLoop().submit(Thread::currentThread).result(WAIT);
  }

  @Test
  void callInLoopThreadRunsTheCallOnTheGlobalLoopAndReturnsItsResult() throws Exception {
    Thread global = globalThread();
    assertSame(global, FromSync.callInLoopThread(Thread::currentThread));
    assertSame(global, FromSync.callInLoopThread(Call.of(Thread::currentThread)));
    assertSame(global, FromSync.callInLoopThread(Thread::currentThread, Duration.ofSeconds(30)));
    assertEquals(7, FromSync.waitForCallInLoopThread(() -> 7));
    assertEquals(8, FromSync.waitForCallInLoopThread(Call.of(() -> 8), Duration.ofSeconds(30)));
  }

  @Test
  void callInLoopThreadWaitsForAnAsyncCallsStage() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    releases.add(() -> stage.complete("released"));
    CountDownLatch started = new CountDownLatch(1);
    Thread completer =
        new Thread(
            () -> {
              try {
                if (started.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                  stage.complete("async result");
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "completer");
    completer.start();
    String result =
        FromSync.callInLoopThread(
            Call.ofAsync(
                () -> {
                  started.countDown();
                  return stage;
                }));
    assertEquals("async result", result);
    completer.join(WAIT.toMillis());
  }

  @Test
  void exceptionsComeOutAsFromCallResult() {
    IllegalArgumentException runtime = new IllegalArgumentException("runtime");
    assertSame(
        runtime,
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FromSync.callInLoopThread(
                    () -> {
                      throw runtime;
                    })));
    Error error = new Error("error");
    assertSame(
        error,
        assertThrows(
            Error.class,
            () ->
                FromSync.callInLoopThread(
                    () -> {
                      throw error;
                    })));
    IOException checked = new IOException("checked");
    CompletionException wrapped =
        assertThrows(
            CompletionException.class,
            () ->
                FromSync.callInLoopThread(
                    () -> {
                      throw checked;
                    }));
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void theTimeoutArgumentBecomesTheCallsTimeout() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> never);
    assertThrows(
        CallTimeoutException.class, () -> FromSync.callInLoopThread(call, Duration.ofMillis(200)));
    assertEquals(Optional.of(Duration.ofMillis(200)), call.timeout());
    assertTrue(call.isTimedOut());
    awaitCondition(never::isCancelled, "the async call's stage is cancelled at its deadline");
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not reached in time: " + what);
      Thread.sleep(5); // polling a state with a deadline
    }
  }

  @Test
  void aNullTimeoutKeepsTheCallsOwnTimeout() {
    CompletableFuture<String> never = new CompletableFuture<>();
    Call<String> call = Call.<String>ofAsync(() -> never).setTimeout(Duration.ofMillis(150));
    assertThrows(
        CallTimeoutException.class, () -> FromSync.waitForCallInLoopThread(call, null, List.of()));
    assertEquals(Optional.of(Duration.ofMillis(150)), call.timeout());
  }

  @Test
  void callbacksSentBackRunOnTheWaitingThreadBeforeItReturns() throws Exception {
    Thread me = Thread.currentThread();
    List<String> events = new CopyOnWriteArrayList<>();
    String result =
        FromSync.waitForCallInLoopThread(
            Call.of(
                () -> {
                  // Sent without waiting for it: the loop must not block on its caller.
                  Waiters.current()
                      .orElseThrow()
                      .submit(
                          Call.of(
                              () ->
                                  events.add(
                                      "callback on caller=" + (Thread.currentThread() == me))));
                  return "body on loop=" + Portals.inGlobalLoop();
                }),
            null,
            List.of(
                Call.of(
                    () ->
                        events.add("done callback on caller=" + (Thread.currentThread() == me)))));
    assertEquals("body on loop=true", result);
    assertEquals(List.of("callback on caller=true", "done callback on caller=true"), events);
    assertTrue(Waiters.forThread(me).isEmpty(), "the waiter is gone once waiting ended");
  }

  @Test
  void doneCallbacksRunAlsoWhenTheCallFails() {
    List<String> events = new CopyOnWriteArrayList<>();
    IllegalStateException failure = new IllegalStateException("failure");
    assertSame(
        failure,
        assertThrows(
            IllegalStateException.class,
            () ->
                FromSync.waitForCallInLoopThread(
                    Call.of(
                        () -> {
                          throw failure;
                        }),
                    null,
                    List.of(Call.of(() -> events.add("done callback"))))));
    assertEquals(List.of("done callback"), events);
  }

  @Test
  void callSoonInLoopThreadReturnsTheSubmittedCallAtOnce() throws Exception {
    CompletableFuture<String> stage = new CompletableFuture<>();
    releases.add(() -> stage.complete("released"));
    Call<String> call = Call.ofAsync(() -> stage);
    assertSame(call, FromSync.callSoonInLoopThread(call, Duration.ofSeconds(30)));
    assertEquals(Optional.of(Duration.ofSeconds(30)), call.timeout());
    assertSame(Portals.globalLoop(), call.runner().orElseThrow());
    assertFalse(call.isDone(), "callSoon did not wait");
    stage.complete("later");
    assertEquals("later", call.result(WAIT));
    assertTrue(FromSync.callSoonInLoopThread(Portals::inGlobalLoop).result(WAIT));
    assertTrue(FromSync.callSoonInLoopThread(Call.of(Portals::inGlobalLoop)).result(WAIT));
    assertTrue(FromSync.callSoonInLoopThread(Portals::inGlobalLoop, null).result(WAIT));
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void callInLoopThreadOnTheGlobalLoopsOwnThreadRunsTheCallInline() throws Exception {
    Thread global = globalThread();
    List<String> events = new CopyOnWriteArrayList<>();
    Thread ranOn =
        Portals.globalLoop()
            .submit(
                Call.of(
                    () ->
                        FromSync.waitForCallInLoopThread(
                            Call.of(
                                () -> {
                                  events.add("call");
                                  return Thread.currentThread();
                                }),
                            null,
                            List.of(Call.of(() -> events.add("done callback"))))))
            .result(WAIT);
    assertSame(global, ranOn);
    assertEquals(List.of("call", "done callback"), events);
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void callInLoopThreadFromAnotherLoopWaitsForTheGlobalLoop() throws Exception {
    LoopPortal other = Portals.newEventLoopThread();
    try {
      Thread global = globalThread();
      assertSame(
          global,
          other
              .submit(Call.of(() -> FromSync.callInLoopThread(Thread::currentThread)))
              .result(WAIT));
    } finally {
      other.shutdown();
      assertTrue(other.awaitTermination(WAIT));
    }
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void interruptingTheWaitingThreadCancelsTheCall() throws Exception {
    CompletableFuture<String> never = new CompletableFuture<>();
    releases.add(() -> never.complete("released"));
    CountDownLatch started = new CountDownLatch(1);
    Call<String> call =
        Call.ofAsync(
            () -> {
              started.countDown();
              return never;
            });
    Thread me = Thread.currentThread();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread interrupter =
        new Thread(
            () -> {
              try {
                if (started.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                  me.interrupt();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "interrupter");
    interrupter.start();
    try {
      assertThrows(CallCancelledException.class, () -> FromSync.callInLoopThread(call));
      flagKept.set(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
      interrupter.join(WAIT.toMillis());
    }
    assertTrue(flagKept.get(), "the interrupt flag is still set");
    assertTrue(call.isCancelled());
    // The cancel may land before the function has returned its stage; the runner then cancels
    // the stage as it gets it.
    awaitCondition(never::isCancelled, "the call's stage is cancelled");
  }
}

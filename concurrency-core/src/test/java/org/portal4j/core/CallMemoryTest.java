package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.assertCollected;
import static org.portal4j.core.CallTestSupport.await;

import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.ContextKey;
import org.portal4j.test.CheckThreadLeaks;

/**
 * Finished calls keep no memory alive: each test holds a call strongly and checks that an object
 * only its function (or its captured context) referenced can be collected.
 */
@CheckThreadLeaks
@Timeout(30)
class CallMemoryTest {

  private static final ContextKey<Object> KEY = ContextKey.named("memory");

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** A call, and a weak reference to an object that only the call's function refers to. */
  private static final class Captured<T> {
    final Call<T> call;
    final WeakReference<Object> payload;

    Captured(Call<T> call, WeakReference<Object> payload) {
      this.call = call;
      this.payload = payload;
    }
  }

  // Built in helper methods so that no local variable of a test refers to the payload.

  private static Captured<Integer> syncCallHoldingPayload() {
    Object payload = new byte[1 << 16];
    return new Captured<>(Call.of(() -> payload.hashCode()), new WeakReference<>(payload));
  }

  private static Captured<Integer> failingCallHoldingPayload() {
    Object payload = new byte[1 << 16];
    return new Captured<>(
        Call.of(
            () -> {
              throw new IllegalStateException("failed with " + payload.hashCode());
            }),
        new WeakReference<>(payload));
  }

  private static Captured<Integer> asyncCallHoldingPayload(CompletableFuture<Integer> stage) {
    Object payload = new byte[1 << 16];
    return new Captured<>(
        Call.ofAsync(
            () -> {
              payload.hashCode();
              return stage;
            }),
        new WeakReference<>(payload));
  }

  private static Captured<Integer> blockingCallHoldingPayload(CountDownLatch started) {
    Object payload = new byte[1 << 16];
    return new Captured<>(
        Call.of(
            () -> {
              started.countDown();
              new CountDownLatch(1).await();
              return payload.hashCode();
            }),
        new WeakReference<>(payload));
  }

  private static Captured<String> callCapturingAContextValue() {
    Object payload = new byte[1 << 16];
    try (ContextKey.Scope s = KEY.set(payload)) {
      return new Captured<>(Call.of(() -> "x"), new WeakReference<>(payload));
    }
  }

  // ------------------------------------------------------------------ the function

  @Test
  void succeededCallKeepsNoReferenceToItsFunction() {
    Captured<Integer> captured = syncCallHoldingPayload();

    captured.call.run();

    assertTrue(captured.call.isDone());
    assertCollected(captured.payload, "what the function of a succeeded call captured");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void failedCallKeepsNoReferenceToItsFunction() {
    Captured<Integer> captured = failingCallHoldingPayload();

    captured.call.run();

    assertThrows(IllegalStateException.class, captured.call::result);
    assertCollected(captured.payload, "what the function of a failed call captured");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void callCancelledBeforeItStartedKeepsNoReferenceToItsFunction() {
    Captured<Integer> captured = syncCallHoldingPayload();

    captured.call.cancel();

    assertCollected(
        captured.payload, "what the function of a call cancelled before start captured");
    captured.call.run(); // still harmless
    assertThrows(CallCancelledException.class, captured.call::result);
  }

  @Test
  void callCancelledWhileRunningKeepsNoReferenceToItsFunctionOnceItsBodyReturned()
      throws Exception {
    CountDownLatch started = support.latch();
    Captured<Integer> captured = blockingCallHoldingPayload(started);
    CallTestSupport.RunThread runner = support.runOnNewThread(captured.call);
    await(started, "body started");

    captured.call.cancel();
    runner.join();

    assertCollected(captured.payload, "what the function of a cancelled call captured");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void timedOutCallKeepsNoReferenceToItsFunctionOnceItsBodyReturned() throws Exception {
    Captured<Integer> captured = blockingCallHoldingPayload(support.latch());
    captured.call.setTimeout(Duration.ofMillis(100));

    CallTestSupport.RunThread runner = support.runOnNewThread(captured.call);
    assertThrows(CallTimeoutException.class, () -> captured.call.result(WAIT));
    runner.join();

    assertCollected(captured.payload, "what the function of a timed-out call captured");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void callTimedOutByAZeroTimeoutKeepsNoReferenceToItsFunction() {
    Captured<Integer> captured = syncCallHoldingPayload();
    captured.call.setTimeout(Duration.ZERO);

    captured.call.run();

    assertTrue(captured.call.isTimedOut());
    assertCollected(captured.payload, "what the function of a zero-timeout call captured");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void asyncCallDropsItsFunctionOnceItHasReturnedItsStage() {
    CompletableFuture<Integer> stage = new CompletableFuture<>();
    Captured<Integer> captured = asyncCallHoldingPayload(stage);

    captured.call.run();

    assertCollected(captured.payload, "what the function of a running async call captured");
    stage.complete(7);
    assertEquals(7, captured.call.result());
    Reference.reachabilityFence(captured.call);
  }

  // ------------------------------------------------------------------ the captured context

  @Test
  void succeededCallKeepsNoCapturedContextValueAlive() {
    Captured<String> captured = callCapturingAContextValue();

    captured.call.run();

    assertCollected(captured.payload, "a context value captured by a succeeded call");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void callCancelledBeforeItStartedKeepsNoCapturedContextValueAlive() {
    Captured<String> captured = callCapturingAContextValue();

    captured.call.cancel();

    assertCollected(captured.payload, "a context value captured by a cancelled call");
    Reference.reachabilityFence(captured.call);
  }

  @Test
  void callTimedOutByAZeroTimeoutKeepsNoCapturedContextValueAlive() {
    Captured<String> captured = callCapturingAContextValue();
    captured.call.setTimeout(Duration.ZERO);

    captured.call.run();

    assertTrue(captured.call.isTimedOut());
    assertCollected(captured.payload, "a context value captured by a zero-timeout call");
    Reference.reachabilityFence(captured.call);
  }
}

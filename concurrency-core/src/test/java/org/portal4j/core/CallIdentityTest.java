package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.portal4j.core.CallTestSupport.WAIT;
import static org.portal4j.core.CallTestSupport.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Portal;
import org.portal4j.test.CheckThreadLeaks;

/** Names, toString, equality, the runner, run() rules and Call.current(). */
@CheckThreadLeaks
@Timeout(30)
class CallIdentityTest {

  private final CallTestSupport support = new CallTestSupport();

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** A function with a class name of its own, to derive a call's name from. */
  static final class FetchReport implements Callable<String> {
    @Override
    public String call() {
      return "report";
    }
  }

  private static Portal portal(String name) {
    Portal portal = mock(Portal.class);
    when(portal.name()).thenReturn(name);
    return portal;
  }

  // ------------------------------------------------------------------ names

  @Test
  void nameIsTheOneGiven() {
    assertEquals("fetch", Call.of("fetch", () -> "x").name());
    assertEquals("fetch-async", Call.ofAsync("fetch-async", CompletableFuture::new).name());
  }

  @Test
  void nameIsDerivedFromTheFunctionsClassWhenNoneIsGiven() {
    assertTrue(Call.of(new FetchReport()).name().contains("FetchReport"));
    String lambdaName = Call.of(() -> "x").name();
    assertTrue(lambdaName.contains(CallIdentityTest.class.getSimpleName()), lambdaName);
    assertFalse(Call.ofAsync(CompletableFuture::new).name().isEmpty());
  }

  @Test
  void nullFunctionIsANullPointerException() {
    assertThrows(NullPointerException.class, () -> Call.of((Callable<String>) null));
    assertThrows(NullPointerException.class, () -> Call.of("name", (Callable<String>) null));
    assertThrows(
        NullPointerException.class, () -> Call.ofAsync((Callable<CompletionStage<String>>) null));
    assertThrows(
        NullPointerException.class,
        () -> Call.ofAsync("name", (Callable<CompletionStage<String>>) null));
  }

  @Test
  void nullNameIsANullPointerException() {
    assertThrows(NullPointerException.class, () -> Call.of(null, () -> "x"));
    assertThrows(NullPointerException.class, () -> Call.ofAsync(null, CompletableFuture::new));
  }

  // ------------------------------------------------------------------ toString

  @Test
  void toStringIsTheNameFollowedByParenthesesInEveryState() {
    List<Call<?>> calls = new ArrayList<>();
    calls.add(Call.of("pending", () -> "x"));
    Call<String> running = Call.ofAsync("running", CompletableFuture::new);
    running.run();
    calls.add(running);
    Call<String> succeeded = Call.of("succeeded", () -> "x");
    succeeded.run();
    calls.add(succeeded);
    Call<String> failed =
        Call.of(
            "failed",
            () -> {
              throw new IllegalStateException("boom");
            });
    failed.run();
    calls.add(failed);
    Call<String> cancelled = Call.of("cancelled", () -> "x");
    cancelled.cancel();
    calls.add(cancelled);
    Call<String> timedOut = Call.of("timed-out", () -> "x").setTimeout(Duration.ZERO);
    timedOut.run();
    calls.add(timedOut);

    for (Call<?> call : calls) {
      String text = call.toString();
      assertTrue(text.startsWith(call.name() + "("), text);
      assertTrue(text.endsWith(")"), text);
      assertTrue(text.length() <= call.name().length() + 30, "short: " + text);
    }
    running.cancel();
  }

  @Test
  void toStringStaysShortWhateverTheResultOrFailure() {
    String huge = "y".repeat(100_000);
    Call<String> big = Call.of("big", () -> huge);
    big.run();
    Call<String> bigFailure =
        Call.of(
            "big-failure",
            () -> {
              throw new IllegalStateException(huge);
            });
    bigFailure.run();

    assertTrue(big.toString().length() < 50, big.toString());
    assertTrue(bigFailure.toString().length() < 50, bigFailure.toString());
  }

  @Test
  void toStringOfAnUnnamedCallIsShortToo() {
    Call<String> call = Call.of(() -> "x");

    String text = call.toString();

    assertTrue(text.startsWith(call.name() + "("), text);
    assertTrue(text.length() < 100, text);
  }

  // ------------------------------------------------------------------ equality

  @Test
  void equalityIsIdentity() {
    Callable<String> fn = () -> "x";
    Call<String> one = Call.of("same", fn);
    Call<String> other = Call.of("same", fn);

    assertEquals(one, one);
    assertNotEquals(one, other);
    assertEquals(System.identityHashCode(one), one.hashCode());

    one.run();
    other.run();
    assertNotEquals(one, other, "still distinct with equal results");
    assertEquals(System.identityHashCode(one), one.hashCode(), "hash code never changes");
  }

  // ------------------------------------------------------------------ runner

  @Test
  void runnerIsEmptyUntilSetThenThePortal() {
    Call<String> call = Call.of(() -> "x");
    Portal portal = portal("p1");

    assertEquals(Optional.empty(), call.runner());
    call.setRunner(portal);

    assertSame(portal, call.runner().orElseThrow());
  }

  @Test
  void setRunnerTwiceIsIllegal() {
    Call<String> call = Call.of(() -> "x");
    Portal first = portal("first");
    call.setRunner(first);

    assertThrows(IllegalStateException.class, () -> call.setRunner(portal("second")));
    assertThrows(IllegalStateException.class, () -> call.setRunner(first));

    assertSame(first, call.runner().orElseThrow());
  }

  @Test
  void setRunnerNullIsANullPointerException() {
    Call<String> call = Call.of(() -> "x");

    assertThrows(NullPointerException.class, () -> call.setRunner(null));

    assertEquals(Optional.empty(), call.runner());
  }

  // ------------------------------------------------------------------ run()

  @Test
  void runWhileTheCallRunsOnAnotherThreadIsIllegal() throws Exception {
    CountDownLatch started = support.latch();
    CountDownLatch release = support.latch();
    Call<String> call =
        Call.of(
            () -> {
              started.countDown();
              release.await();
              return "x";
            });
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    await(started, "body started");

    assertThrows(IllegalStateException.class, call::run);

    release.countDown();
    assertEquals("x", call.result(WAIT), "the call went on undisturbed");
    runner.join();
  }

  @Test
  void runFromInsideTheCallItselfIsIllegal() {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Call<String> call =
        Call.of(
            () -> {
              try {
                Call.current().orElseThrow().run();
              } catch (Throwable t) {
                thrown.set(t);
              }
              return "x";
            });

    call.run();

    assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
    assertEquals("x", call.result());
  }

  @Test
  void runOfAnAsyncCallWaitingForItsStageIsIllegal() {
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> call = Call.ofAsync(() -> stage);
    call.run();

    assertThrows(IllegalStateException.class, call::run);

    stage.complete("x");
    assertEquals("x", call.result());
  }

  @Test
  void runOfADoneCallDoesNotRunTheFunctionAgain() {
    List<String> runs = new ArrayList<>();
    Call<String> call =
        Call.of(
            () -> {
              runs.add("ran");
              return "x";
            });
    call.run();

    CompletionStage<Void> again = call.run();

    assertTrue(again.toCompletableFuture().isDone());
    assertEquals(List.of("ran"), runs);
  }

  // ------------------------------------------------------------------ Call.current()

  @Test
  void currentIsTheCallWhoseBodyIsRunningAndEmptyOutside() throws Exception {
    AtomicReference<Optional<Call<?>>> inside = new AtomicReference<>();
    Call<String> call =
        Call.of(
            () -> {
              inside.set(Call.current());
              return "x";
            });

    assertEquals(Optional.empty(), Call.current());
    CallTestSupport.RunThread runner = support.runOnNewThread(call);
    runner.join();

    assertSame(call, inside.get().orElseThrow());
    assertEquals(Optional.empty(), Call.current());
  }

  @Test
  void currentIsTheInnermostCallAndTheOuterOneAgainAfterIt() {
    List<Object> seen = new ArrayList<>();
    Call<String> inner = Call.of("inner", () -> Call.current().orElseThrow().name());
    Call<String> outer =
        Call.of(
            "outer",
            () -> {
              inner.run();
              seen.add(inner.result());
              seen.add(Call.current().orElseThrow().name());
              return "x";
            });

    outer.run();

    assertEquals(List.of("inner", "outer"), seen);
    assertEquals(Optional.empty(), Call.current());
  }

  @Test
  void currentIsEmptyAgainAfterTheBodyThrew() {
    Call<String> call =
        Call.of(
            () -> {
              throw new IllegalStateException("boom");
            });

    call.run();

    assertEquals(Optional.empty(), Call.current());
  }
}

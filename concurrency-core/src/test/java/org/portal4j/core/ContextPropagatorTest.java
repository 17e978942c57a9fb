package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.Call;
import org.portal4j.ContextKey;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;
import org.slf4j.MDC;

/**
 * Custom {@link org.portal4j.spi.ContextPropagator}s (three, registered in this module's test
 * resources) carry their values with calls to worker and loop threads, open their scopes in order
 * and close them in reverse, leave every thread as they found it, and cannot break a call by
 * throwing.
 */
@CheckThreadLeaks
@Timeout(60)
class ContextPropagatorTest {

  private static final ContextKey<String> KEY = ContextKey.named("propagated");

  @BeforeEach
  @AfterEach
  void clearThisThread() {
    FlakyTestPropagator.behave();
    TestPropagator.stopRecording();
    OuterTestPropagator.VALUE.remove();
    FlakyTestPropagator.VALUE.remove();
    InnerTestPropagator.VALUE.remove();
    MDC.clear();
    KEY.set(null); // left open on purpose: the thread keeps no value of ours
  }

  /** Every value a body can see, as one string: "outer/flaky/inner/mdc/key". */
  private static String seen() {
    return OuterTestPropagator.VALUE.get()
        + "/"
        + FlakyTestPropagator.VALUE.get()
        + "/"
        + InnerTestPropagator.VALUE.get()
        + "/"
        + MDC.get("order")
        + "/"
        + KEY.get();
  }

  /** Sets every kind of value on this thread to {@code v} (null clears). */
  private static void setAll(String v) {
    OuterTestPropagator.VALUE.set(v);
    FlakyTestPropagator.VALUE.set(v);
    InnerTestPropagator.VALUE.set(v);
    if (v == null) {
      MDC.remove("order");
    } else {
      MDC.put("order", v);
    }
    KEY.set(v);
  }

  /** A call created where every value is {@code v}; this thread's values are cleared after. */
  private static <T> Call<T> callCreatedWith(String v, Callable<T> fn) {
    setAll(v);
    try {
      return Call.of(fn);
    } finally {
      setAll(null);
    }
  }

  private static String allOf(String v) {
    return v + "/" + v + "/" + v + "/" + v + "/" + v;
  }

  private static final String NOTHING = allOf(null);

  enum Target {
    WORKER(Portals::newWorkerThread),
    LOOP(Portals::newEventLoopThread);

    final Supplier<WorkerPortal> make;

    Target(Supplier<WorkerPortal> make) {
      this.make = make;
    }
  }

  /**
   * On the portal's thread, inside a call created with "outer": runs an inner call created with
   * "inner" (which may throw), then reports what the body saw before, inside and after.
   */
  private static List<String> nestedRunOn(WorkerPortal portal, boolean innerThrows)
      throws Exception {
    AtomicReference<String> inside = new AtomicReference<>();
    Call<String> inner =
        callCreatedWith(
            "inner",
            () -> {
              inside.set(seen());
              if (innerThrows) {
                throw new IllegalStateException("inner fails");
              }
              return "ok";
            });
    Call<List<String>> outer =
        callCreatedWith(
            "outer",
            () -> {
              String before = seen();
              inner.run();
              String after = seen();
              return List.of(before, inside.get(), after);
            });
    return portal.submit(outer).result(WAIT);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void customValuesTravelToThePortalsThreadAndAreRestoredAfterACallOnIt(Target target)
      throws Exception {
    WorkerPortal portal = target.make.get();
    try {
      assertEquals(
          List.of(allOf("outer"), allOf("inner"), allOf("outer")), nestedRunOn(portal, false));
      // a call made without context finds the portal thread without any value
      assertEquals(NOTHING, portal.submit(Call.of(ContextPropagatorTest::seen)).result(WAIT));
    } finally {
      portal.shutdown();
      assertTrue(portal.awaitTermination(WAIT));
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void theThreadIsRestoredAlsoWhenTheCallThrows(Target target) throws Exception {
    WorkerPortal portal = target.make.get();
    try {
      assertEquals(
          List.of(allOf("outer"), allOf("inner"), allOf("outer")), nestedRunOn(portal, true));
      Call<String> failing =
          callCreatedWith(
              "failing",
              () -> {
                throw new AssertionError("an Error from the body");
              });
      portal.submit(failing);
      assertThrows(AssertionError.class, () -> failing.result(WAIT));
      assertEquals(NOTHING, portal.submit(Call.of(ContextPropagatorTest::seen)).result(WAIT));
    } finally {
      portal.shutdown();
      assertTrue(portal.awaitTermination(WAIT));
    }
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang ignores interrupts
  void aCancelMadeWhileTheScopeClosesReturnsAtOnceAndTheCallKeepsItsValue() {
    AtomicReference<Boolean> cancelled = new AtomicReference<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    FlakyTestPropagator.onClose =
        () -> {
          interrupted.set(Thread.currentThread().isInterrupted());
          Call.current().ifPresent(call -> cancelled.set(call.cancel()));
        };
    Call<String> call = Call.of("closes-and-cancels", () -> "value");

    call.run(); // hangs if the cancel waits for the ending this very thread owns

    assertEquals(false, cancelled.get(), "the call had ended: the cancel lost");
    assertEquals(false, interrupted.get(), "no interrupt reaches the closing of the scope");
    assertEquals("value", call.result());
    assertTrue(!Thread.currentThread().isInterrupted());
  }

  @Test
  void valuesAreCapturedWhenTheCallIsCreatedNotWhenItRuns() {
    Call<String> call = callCreatedWith("at-creation", ContextPropagatorTest::seen);
    setAll("later");

    call.run();

    assertEquals(allOf("at-creation"), call.result());
    assertEquals(allOf("later"), seen(), "and the running thread's own values are back");
  }

  @Test
  void aCallMadeWithoutValuesRunsWithoutTheRunningThreadsValues() {
    Call<String> call = Call.of(ContextPropagatorTest::seen);
    setAll("runner's own");

    call.run();

    assertEquals(NOTHING, call.result());
    assertEquals(allOf("runner's own"), seen());
  }

  @Test
  void scopesOpenBuiltInsFirstAndCloseInReverseOrder() {
    Call<String> call = callCreatedWith("v", () -> "x");
    MDC.put("order", "runner");

    TestPropagator.record();
    call.run();
    List<String> events = TestPropagator.stopRecording();

    assertEquals(
        List.of(
            "open OuterTestPropagator v mdc=v", // the MDC is restored before any custom scope
            "open FlakyTestPropagator v mdc=v",
            "open InnerTestPropagator v mdc=v",
            "close InnerTestPropagator mdc=v",
            "close FlakyTestPropagator mdc=v",
            "close OuterTestPropagator mdc=v"), // and put back after the last one closed
        events);
    assertEquals("runner", MDC.get("order"));
  }

  @ParameterizedTest
  @EnumSource(FlakyTestPropagator.Kind.class)
  void aPropagatorThrowingFromCaptureIsSkippedAndTheOthersStillCarry(
      FlakyTestPropagator.Kind kind) {
    try (LogCapture logs = LogCapture.start()) {
      FlakyTestPropagator.failAt(FlakyTestPropagator.Step.CAPTURE, kind);
      Call<String> call = callCreatedWith("v", ContextPropagatorTest::seen);
      FlakyTestPropagator.behave();

      call.run();

      assertEquals("v/null/v/v/v", call.result(), "the flaky one carried nothing");
      assertEquals(NOTHING, seen());
      assertWarned(logs, "capture", kind);
    }
  }

  @ParameterizedTest
  @EnumSource(FlakyTestPropagator.Kind.class)
  void aPropagatorThrowingFromRestoreIsSkippedAndTheCallStillRuns(FlakyTestPropagator.Kind kind) {
    try (LogCapture logs = LogCapture.start()) {
      Call<String> call = callCreatedWith("v", ContextPropagatorTest::seen);
      setAll("runner");
      FlakyTestPropagator.failAt(FlakyTestPropagator.Step.RESTORE, kind);

      call.run();

      assertEquals("v/runner/v/v/v", call.result(), "the flaky one restored nothing");
      assertEquals(allOf("runner"), seen());
      assertWarned(logs, "restore", kind);
    }
  }

  @ParameterizedTest
  @EnumSource(FlakyTestPropagator.Kind.class)
  void aScopeThrowingFromCloseStillLetsTheOthersClose(FlakyTestPropagator.Kind kind) {
    try (LogCapture logs = LogCapture.start()) {
      Call<String> call = callCreatedWith("v", ContextPropagatorTest::seen);
      setAll("runner");
      FlakyTestPropagator.failAt(FlakyTestPropagator.Step.CLOSE, kind);

      call.run();

      assertEquals(allOf("v"), call.result());
      assertTrue(call.isDone());
      assertEquals(allOf("runner"), seen(), "the scopes before and after it closed");
      assertWarned(logs, "close", kind);
    }
  }

  @ParameterizedTest
  @EnumSource(FlakyTestPropagator.Step.class)
  void aBrokenPropagatorNeverStopsACallOnAWorkerFromEnding(FlakyTestPropagator.Step step)
      throws Exception {
    WorkerPortal worker = Portals.newWorkerThread();
    try (LogCapture logs = LogCapture.start()) {
      FlakyTestPropagator.failAt(step, FlakyTestPropagator.Kind.ERROR);
      List<Call<String>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        calls.add(worker.submit(callCreatedWith("v" + i, () -> OuterTestPropagator.VALUE.get())));
      }
      for (int i = 0; i < 3; i++) {
        assertEquals("v" + i, calls.get(i).result(WAIT));
      }
      FlakyTestPropagator.behave();
      assertEquals(NOTHING, worker.submit(Call.of(ContextPropagatorTest::seen)).result(WAIT));
      if (step != FlakyTestPropagator.Step.NOWHERE) {
        assertTrue(
            logs.messages(Level.WARN).stream().anyMatch(m -> m.contains("FlakyTestPropagator")),
            () -> "a WARN naming the propagator; got " + logs.messages(Level.WARN));
      }
    } finally {
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }

  private static void assertWarned(LogCapture logs, String method, FlakyTestPropagator.Kind kind) {
    var warnings = logs.at(Level.WARN);
    assertTrue(
        warnings.stream()
            .anyMatch(
                e ->
                    e.getFormattedMessage().contains(FlakyTestPropagator.class.getName())
                        && e.getFormattedMessage().contains(method)),
        () -> "a WARN naming the propagator and " + method + "; got " + logs.messages(Level.WARN));
    String expected =
        (kind == FlakyTestPropagator.Kind.ERROR
                ? AssertionError.class
                : IllegalStateException.class)
            .getName();
    assertTrue(
        warnings.stream()
            .anyMatch(
                e ->
                    e.getThrowableProxy() != null
                        && e.getThrowableProxy().getClassName().equals(expected)),
        () -> "the WARN carries the " + expected);
  }

  @Test
  void aHundredThousandAlternatingCallsOnOneWorkerLeakNoContext() throws Exception {
    int calls = 100_000;
    WorkerPortal worker = Portals.newWorkerThread();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    try {
      Call<?> last = null;
      for (int i = 0; i < calls; i++) {
        String v = i % 2 == 0 ? "v" + i : null;
        String expected = allOf(v);
        last =
            worker.submit(
                callCreatedWith(
                    v,
                    () -> {
                      String seen = seen();
                      if (!seen.equals(expected) && wrong.size() < 10) {
                        wrong.add("expected " + expected + ", saw " + seen);
                      }
                      // a body that leaves values behind on its thread, as careless code does
                      OuterTestPropagator.VALUE.set("left behind");
                      MDC.put("order", "left behind");
                      KEY.set("left behind");
                      return null;
                    }));
      }
      last.result(WAIT);
      assertEquals(List.of(), List.copyOf(wrong));
      assertEquals(NOTHING, worker.submit(Call.of(ContextPropagatorTest::seen)).result(WAIT));
    } finally {
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }

  @Test
  void theBuiltInsStillCarryTheMdcAndContextKeysAlone() {
    MDC.setContextMap(Map.of("order", "m", "other", "o"));
    Call<String> call;
    try (ContextKey.Scope s = KEY.set("k")) {
      call =
          Call.of(() -> MDC.get("other") + "/" + KEY.get() + "/" + OuterTestPropagator.VALUE.get());
    }
    MDC.clear();

    call.run();

    assertEquals("o/k/null", call.result());
    assertNull(MDC.getCopyOfContextMap());
  }
}

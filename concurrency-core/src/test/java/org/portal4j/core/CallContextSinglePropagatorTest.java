package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.ContextKey;
import org.portal4j.spi.ContextPropagator;
import org.slf4j.MDC;

/**
 * {@link CallContext} with exactly one custom propagator (the Micrometer bridge's case, which takes
 * a path of its own without arrays): it carries, restores, and survives the propagator throwing.
 */
class CallContextSinglePropagatorTest {

  @SuppressWarnings("unchecked")
  private final ContextPropagator<Object>[] one =
      new ContextPropagator[] {new FlakyTestPropagator()};

  @BeforeEach
  @AfterEach
  void clear() {
    FlakyTestPropagator.behave();
    FlakyTestPropagator.VALUE.remove();
    MDC.clear();
  }

  private CallContext capturedWith(String value) {
    FlakyTestPropagator.VALUE.set(value);
    MDC.put("order", value);
    try {
      return CallContext.capture(one);
    } finally {
      FlakyTestPropagator.VALUE.remove();
      MDC.clear();
    }
  }

  @ParameterizedTest
  @EnumSource(FlakyTestPropagator.Step.class)
  void theValueIsCarriedUnlessItsStepThrowsAndTheThreadIsRestoredEitherWay(
      FlakyTestPropagator.Step step) {
    for (FlakyTestPropagator.Kind kind : FlakyTestPropagator.Kind.values()) {
      try (LogCapture logs = LogCapture.start()) {
        FlakyTestPropagator.failAt(
            step == FlakyTestPropagator.Step.CAPTURE ? step : FlakyTestPropagator.Step.NOWHERE,
            kind);
        CallContext context = capturedWith("v");
        FlakyTestPropagator.failAt(
            step == FlakyTestPropagator.Step.CAPTURE ? FlakyTestPropagator.Step.NOWHERE : step,
            kind);
        FlakyTestPropagator.VALUE.set("runner");
        MDC.put("order", "runner");

        ContextKey.Scope scope = context.attach(one);
        String inside = FlakyTestPropagator.VALUE.get() + "/" + MDC.get("order");
        FlakyTestPropagator.VALUE.set("changed by the call");
        MDC.put("order", "changed by the call");
        scope.close();

        String expected =
            step == FlakyTestPropagator.Step.CAPTURE
                ? "null/v"
                : step == FlakyTestPropagator.Step.RESTORE ? "runner/v" : "v/v";
        assertEquals(expected, inside, step + " " + kind);
        if (step != FlakyTestPropagator.Step.RESTORE) {
          assertEquals("runner", FlakyTestPropagator.VALUE.get(), "put back");
        }
        assertEquals("runner", MDC.get("order"), "the built-in scope closed too");
        boolean warned =
            logs.messages(Level.WARN).stream()
                .anyMatch(m -> m.contains(FlakyTestPropagator.class.getName()));
        assertEquals(step != FlakyTestPropagator.Step.NOWHERE, warned, logs.events().toString());
      } finally {
        clear();
      }
    }
  }

  @Test
  void aContextWithNothingCapturedIsSharedAndStillClearsTheRunnersValue() {
    CallContext first = CallContext.capture(one);
    CallContext second = CallContext.capture(one);
    assertSame(first, second, "one shared empty context");
    FlakyTestPropagator.VALUE.set("runner");

    ContextKey.Scope scope = first.attach(one);
    assertNull(FlakyTestPropagator.VALUE.get());
    scope.close();

    assertEquals("runner", FlakyTestPropagator.VALUE.get());
  }
}

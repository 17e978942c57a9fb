package org.portal4j.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.context.ContextRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * With this jar on the class path, a value of a {@code ThreadLocalAccessor} registered with
 * Micrometer's {@link ContextRegistry} reaches portal calls and is cleared after.
 */
@CheckThreadLeaks
@Timeout(60)
class MicrometerBridgeTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String KEY = "portal4j.test.span";
  private static final ThreadLocal<String> SPAN = new ThreadLocal<>();

  @BeforeAll
  static void register() {
    ContextRegistry.getInstance().registerThreadLocalAccessor(KEY, SPAN);
  }

  @AfterAll
  static void unregister() {
    ContextRegistry.getInstance().removeThreadLocalAccessor(KEY);
  }

  @BeforeEach
  @AfterEach
  void clearThisThread() {
    SPAN.remove();
  }

  private static <T> Call<T> createdWith(String span, Callable<T> fn) {
    SPAN.set(span);
    try {
      return Call.of(fn);
    } finally {
      SPAN.remove();
    }
  }

  @Test
  void aValueOfARegisteredAccessorReachesAWorkerCallAndIsClearedAfter() throws Exception {
    WorkerPortal worker = Portals.newWorkerThread();
    try {
      assertEquals("span-1", worker.submit(createdWith("span-1", SPAN::get)).result(WAIT));
      assertNull(worker.submit(Call.of(SPAN::get)).result(WAIT), "nothing left on the worker");
    } finally {
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }

  @Test
  void aValueReachesALoopCallAndTheLoopThreadIsRestoredAfterACallThatThrows() throws Exception {
    LoopPortal loop = Portals.newEventLoopThread();
    try {
      AtomicReference<String> inside = new AtomicReference<>();
      Call<String> failing =
          createdWith(
              "inner",
              () -> {
                inside.set(SPAN.get());
                SPAN.set("left behind by the body");
                throw new IllegalStateException("fails");
              });
      Call<List<String>> outer =
          createdWith(
              "outer",
              () -> {
                String before = SPAN.get();
                failing.run();
                return List.of(before, inside.get(), String.valueOf(SPAN.get()));
              });
      assertEquals(List.of("outer", "inner", "outer"), loop.submit(outer).result(WAIT));
      assertThrows(IllegalStateException.class, failing::result);
      assertNull(loop.submit(Call.of(SPAN::get)).result(WAIT));
    } finally {
      loop.shutdown();
      assertTrue(loop.awaitTermination(WAIT));
    }
  }

  @Test
  void aCallMadeWithoutAValueRunsWithoutTheRunningThreadsValueAndGivesItBack() {
    Call<String> call = Call.of(SPAN::get);
    SPAN.set("runner's own");

    call.run();

    assertNull(call.result());
    assertEquals("runner's own", SPAN.get());
  }

  @Test
  void withoutAccessorsNothingIsCapturedAndNothingRestored() {
    MicrometerContextPropagator bridge = new MicrometerContextPropagator(new ContextRegistry());

    assertNull(bridge.capture());
    bridge.restore(null).close();
  }

  @Test
  void withAnAccessorButNoValueNothingIsCapturedAndRestoringNullClearsTheValueForTheScope() {
    ContextRegistry registry = new ContextRegistry();
    ThreadLocal<String> local = new ThreadLocal<>();
    registry.registerThreadLocalAccessor("local", local);
    MicrometerContextPropagator bridge = new MicrometerContextPropagator(registry);

    assertNull(bridge.capture());

    local.set("runner's own");
    try (var scope = bridge.restore(null)) {
      assertNull(local.get());
      local.set("set by the call");
    }
    assertEquals("runner's own", local.get());
    local.remove();
  }

  @Test
  void theBridgeIsFoundAsAService() {
    assertTrue(
        java.util.ServiceLoader.load(org.portal4j.spi.ContextPropagator.class).stream()
            .anyMatch(p -> p.type() == MicrometerContextPropagator.class));
  }
}

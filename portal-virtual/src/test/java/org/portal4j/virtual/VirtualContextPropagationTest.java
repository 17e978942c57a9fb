package org.portal4j.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.core.InnerTestPropagator;
import org.portal4j.core.OuterTestPropagator;
import org.portal4j.test.CheckThreadLeaks;

/**
 * Custom context propagators (core's test ones, registered in this module's test resources) carry
 * their values into calls on virtual threads and leave those threads as they found them.
 */
@CheckThreadLeaks
@Timeout(60)
class VirtualContextPropagationTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @BeforeEach
  @AfterEach
  void clearThisThread() {
    set(null);
  }

  private static void set(String v) {
    OuterTestPropagator.VALUE.set(v);
    InnerTestPropagator.VALUE.set(v);
  }

  private static String seen() {
    return OuterTestPropagator.VALUE.get() + "/" + InnerTestPropagator.VALUE.get();
  }

  private static <T> Call<T> createdWith(String v, Callable<T> fn) {
    set(v);
    try {
      return Call.of(fn);
    } finally {
      set(null);
    }
  }

  private static List<String> nestedRunOn(WorkerPortal worker, boolean innerThrows)
      throws Exception {
    AtomicReference<String> inside = new AtomicReference<>();
    Call<String> inner =
        createdWith(
            "inner",
            () -> {
              inside.set(seen());
              if (innerThrows) {
                throw new IllegalStateException("inner fails");
              }
              return "ok";
            });
    Call<List<String>> outer =
        createdWith(
            "outer",
            () -> {
              assertTrue(Thread.currentThread().isVirtual());
              String before = seen();
              inner.run();
              return List.of(before, inside.get(), seen());
            });
    return worker.submit(outer).result(WAIT);
  }

  @Test
  void valuesReachACallOnAVirtualThreadAndAreRestoredAfterAlsoWhenItThrows() throws Exception {
    WorkerPortal worker = Portals.newWorkerThread();
    try {
      assertInstanceOf(VirtualWorkerPortal.class, worker);
      assertEquals(
          List.of("outer/outer", "inner/inner", "outer/outer"), nestedRunOn(worker, false));
      assertEquals(List.of("outer/outer", "inner/inner", "outer/outer"), nestedRunOn(worker, true));

      Call<String> failing =
          createdWith(
              "failing",
              () -> {
                OuterTestPropagator.VALUE.set("left behind");
                throw new AssertionError("an Error from the body");
              });
      worker.submit(failing);
      assertThrows(AssertionError.class, () -> failing.result(WAIT));
      assertEquals("null/null", worker.submit(Call.of(() -> seen())).result(WAIT));
    } finally {
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }
}

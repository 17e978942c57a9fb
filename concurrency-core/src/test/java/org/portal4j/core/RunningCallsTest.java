package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;

/**
 * The per-thread registry behind Call.current() and the dump: it answers the innermost call on the
 * running thread, and it forgets the threads that ended, so that making a thread per call never
 * grows it (nor keeps a thread alive).
 */
@Timeout(60)
class RunningCallsTest {

  @Test
  void currentIsTheInnermostCallAndTheOuterOneComesBack() {
    Call<Object> inner = Call.of("inner", () -> Call.current().orElseThrow());
    Call<Object> outer =
        Call.of(
            "outer",
            () -> {
              inner.run(); // inline, on this thread, inside this call
              return List.of(inner.result(), Call.current().orElseThrow());
            });
    outer.run();
    assertEquals(List.of(inner, outer), outer.result());
    assertEquals(Optional.empty(), Call.current());
  }

  @Test
  void aPoolWorkerWhoseThreadLocalsWereErasedKeepsItsSlot() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      int registered =
          pool.submit(
                  () -> {
                    Call.of("registers", () -> "ran").run();
                    for (int i = 0; i < 100; i++) {
                      RunningCalls.eraseSlotForTest(); // as the common pool's idle workers are
                      Call.of("registers-again", () -> "ran").run();
                    }
                    return RunningCalls.registeredFor(Thread.currentThread());
                  })
              .get();
      assertEquals(1, registered, "slots registered for one worker");
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void threadsThatEndedAreSweptOut() throws InterruptedException {
    int threads = 2000;
    for (int batch = 0; batch < threads / 100; batch++) {
      List<Thread> started = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Thread t = new Thread(() -> Call.of(() -> "ran").run(), "short-lived-" + i);
        started.add(t);
        t.start();
      }
      for (Thread t : started) {
        t.join();
      }
    }
    RunningCalls.snapshot(); // sweeps every stripe
    int left = RunningCalls.registered();
    assertTrue(left < 500, left + " slots left after " + threads + " threads ended");
  }
}

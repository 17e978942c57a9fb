package org.portal4j.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Diagnostics;
import org.portal4j.FromSync;
import org.portal4j.InFlightCall;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * The dump sees calls on virtual threads: a call parked on a virtual worker (its virtual thread
 * unmounted) is listed as running with that virtual thread's stack, and so is a call made with
 * {@code FromSync.callInNewThread}, which runs on a new virtual thread.
 */
@CheckThreadLeaks
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualDiagnosticsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final CountDownLatch release = new CountDownLatch(1);

  private Object parkUntilReleased() throws InterruptedException {
    release.await();
    return "released";
  }

  private static InFlightCall awaitRunning(Call<?> call) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    List<InFlightCall> last = List.of();
    while (System.nanoTime() < end) {
      last = Diagnostics.inFlight();
      for (InFlightCall c : last) {
        if (c.call() == call
            && c.state() == InFlightCall.State.RUNNING
            && c.stack().stream().anyMatch(f -> f.getMethodName().equals("parkUntilReleased"))) {
          return c;
        }
      }
      Thread.sleep(5); // polling a state with a deadline
    }
    throw new AssertionError(call + " not seen parked within " + WAIT + ": " + last);
  }

  @Test
  void aCallParkedOnAVirtualWorkerIsListedWithTheVirtualThreadsStack() throws Exception {
    String name = "virtual-dump-" + System.nanoTime();
    try (WorkerPortal worker =
        Portals.newWorkerThread(PortalOptions.builder().name(name).build())) {
      assertInstanceOf(VirtualWorkerPortal.class, worker);
      Call<Object> parked = worker.submit(Call.of("parked-on-virtual", this::parkUntilReleased));

      InFlightCall running = awaitRunning(parked);
      assertTrue(running.thread().isVirtual(), running.toString());
      assertEquals(name, running.thread().getName());
      assertEquals(name, running.portal());

      String dump = Diagnostics.dump();
      assertTrue(dump.contains("  \"parked-on-virtual\" RUNNING for "), dump);
      assertTrue(dump.contains("      on \"" + name + "\" #"), dump);
      assertTrue(dump.contains(" virtual "), dump);
      assertTrue(dump.contains(".parkUntilReleased(VirtualDiagnosticsTest.java:"), dump);

      release.countDown();
      assertEquals("released", parked.result());
    }
  }

  @Test
  void aCallOnANewVirtualThreadIsListedToo() throws Exception {
    Call<Object> parked = Call.of("parked-on-new-thread", this::parkUntilReleased);
    Call<Object> soon = FromSync.callSoonInNewThread(parked, null);
    InFlightCall running = awaitRunning(parked);
    assertTrue(running.thread().isVirtual(), running.toString());
    release.countDown();
    assertEquals("released", soon.result());
  }
}

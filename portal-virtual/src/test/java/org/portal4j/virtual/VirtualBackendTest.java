package org.portal4j.virtual;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(120)
class VirtualBackendTest {

  @Test
  void virtualWinsTheWorkerKindByPriority() {
    assertEquals(
        Map.of(PortalKind.WORKER, "virtual", PortalKind.LOOP, "platform"), Portals.backends());
  }

  @Test
  void workerPortalsRunCallsOnAVirtualThreadNamedAfterThePortal() throws Exception {
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      assertInstanceOf(VirtualWorkerPortal.class, worker);
      Thread ran = worker.submit(Thread::currentThread).result();
      assertTrue(ran.isVirtual());
      assertEquals(worker.name(), ran.getName());
      worker.shutdown();
      assertTrue(worker.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  @Test
  void callInNewThreadStartsOneVirtualThreadPerCall() {
    Thread first = FromSync.callInNewThread(Thread::currentThread);
    Thread second = FromSync.callInNewThread(Thread::currentThread);
    assertTrue(first.isVirtual());
    assertTrue(second.isVirtual());
    assertTrue(first != second);
  }

  @Test
  void tenThousandConcurrentBlockingCallsShareAHandfulOfCarriers() throws Exception {
    int calls = 10_000;
    CountDownLatch allBlocked = new CountDownLatch(calls);
    CountDownLatch release = new CountDownLatch(1);
    Set<String> carriers = ConcurrentHashMap.newKeySet();
    List<Call<Integer>> submitted = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      int n = i;
      submitted.add(
          FromSync.callSoonInNewThread(
              () -> {
                carriers.add(carrierOf(Thread.currentThread()));
                allBlocked.countDown();
                release.await(); // blocking: parks the virtual thread, frees the carrier
                return n;
              }));
    }
    assertTrue(allBlocked.await(60, TimeUnit.SECONDS), "all calls blocked at once");
    release.countDown();
    for (int i = 0; i < calls; i++) {
      assertEquals(i, submitted.get(i).result(Duration.ofSeconds(30)));
    }
    assertTrue(
        carriers.size() <= Math.max(8, 2 * Runtime.getRuntime().availableProcessors()),
        "10,000 blocked calls used " + carriers.size() + " carriers: " + carriers);
  }

  /** "VirtualThread[#42,name]/runnable@ForkJoinPool-1-worker-3" → "ForkJoinPool-1-worker-3". */
  private static String carrierOf(Thread virtual) {
    String text = virtual.toString();
    return text.substring(text.lastIndexOf('@') + 1);
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.test.CheckThreadLeaks;

/**
 * The loop's queue holds calls themselves next to plain tasks (issue 12: no wrapper per call); both
 * run in the order they were queued.
 */
@CheckThreadLeaks
@Timeout(30)
class LoopQueueTest {

  @Test
  void callsAndTasksRunInTheOrderTheyWereQueued() throws Exception {
    LoopPortal loop = Portals.newEventLoopThread();
    try {
      StringBuilder order = new StringBuilder(); // only the loop thread appends
      CountDownLatch hold = new CountDownLatch(1);
      loop.execute(() -> CallTestSupport.awaitIgnoringInterrupts(hold));
      loop.submit(Call.of(() -> order.append("c1")));
      loop.execute(() -> order.append("t1"));
      Call<StringBuilder> last = loop.submit(Call.of(() -> order.append("c2")));
      hold.countDown();
      assertEquals("c1t1c2", last.result(CallTestSupport.WAIT).toString());
    } finally {
      loop.shutdown();
      assertTrue(loop.awaitTermination(CallTestSupport.WAIT));
    }
  }
}

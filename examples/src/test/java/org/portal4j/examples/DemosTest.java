package org.portal4j.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class DemosTest {

  private static String run(ThrowingMain main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    // Not echoed: the build log stays quiet, and a failing assertion prints the output.
    return out.toString(StandardCharsets.UTF_8);
  }

  interface ThrowingMain {
    void run() throws Exception;
  }

  @Test
  void seedScenarioRunsTheCallbackOnTheMainThread() throws Exception {
    String out = run(() -> SeedScenarioDemo.main(new String[0]));
    String me = Thread.currentThread().getName();
    assertTrue(out.contains("backends chosen: {WORKER=platform, LOOP=platform}"), out);
    assertTrue(
        out.contains("[" + String.format("%-16s", me) + "] the waiter runs the callback"), out);
    assertTrue(out.contains("answer computed on " + me), out);
    assertTrue(out.contains("the call finished: done"), out);
  }

  @Test
  void timeoutDemoInterruptsTheBlockingCall() throws Exception {
    String out = run(() -> TimeoutDemo.main(new String[0]));
    assertTrue(out.contains("interrupted by the timeout"), out);
    assertTrue(
        out.contains(
            "by org.portal4j.CallTimeoutException: TimeoutDemo.lambda timed out after 500 ms\n"),
        out);
  }

  @Test
  void cancellationDemoInterruptsTheRunningCallAndSkipsTheQueuedOne() throws Exception {
    String out = run(() -> CancellationDemo.main(new String[0]));
    assertTrue(out.contains("cancel(upload) while it is queued: true"), out);
    assertTrue(out.contains("cancel(download) while it runs: true"), out);
    assertTrue(out.contains("download: interrupted by the cancel"), out);
    assertTrue(
        out.indexOf("cancel callback of download")
            < out.indexOf("download.result() threw CallCancelledException: download was cancelled"),
        out);
    assertTrue(
        out.contains("upload cancelled: true, download cancelled: true, timed out: false"), out);
    assertFalse(out.contains("upload: this never runs"), out);
  }

  @Test
  void asyncDemoCrossesBothWaysWithoutBlockingTheLoop() throws Exception {
    String out = run(() -> AsyncDemo.main(new String[0]));
    assertTrue(out.contains("[GlobalEventLoopThread] async function running on the loop"), out);
    assertTrue(out.contains("[WorkerThread-"), out);
    assertTrue(out.contains("main got: 26 characters"), out);
  }

  @Test
  void batchedLogShipperShipsEveryLineInBatchesBeforeItReturns() throws Exception {
    String out = run(() -> BatchedLogShipperDemo.main(new String[0]));
    assertTrue(out.contains("4 workers logged 1000 lines without waiting for the network"), out);
    assertTrue(out.contains("drained: true"), out);
    assertTrue(out.matches("(?s).*shipped 1000 lines in \\d+ batches; dropped 0.*"), out);
  }

  @Test
  void diagnosticsDemoDumpsTheStuckQueryAndRefusesTheDeadlock() throws Exception {
    String out = run(() -> DiagnosticsDemo.main(new String[0]));
    assertTrue(out.startsWith("portal4j calls in flight: "), out);
    assertTrue(out.contains("\n\"db-worker\"\n  \"slowQuery\" RUNNING for "), out);
    assertTrue(
        out.contains("      waited for by: \"request-handler-1\" (in its SyncWaiter)\n"), out);
    assertTrue(out.contains("        at org.portal4j.examples.DiagnosticsDemo.query("), out);
    assertTrue(out.contains("  \"nextQuery\" QUEUED for "), out);
    assertTrue(out.contains("\n\"events\"\n  \"awaitReply\" AWAITING_STAGE for "), out);
    assertTrue(out.contains("slowQuery: 42 rows"), out);
    assertTrue(
        out.contains("placeOrder failed: Deadlock: waiting here would close a cycle of waits:\n"),
        out);
    assertTrue(
        out.contains("billing waits for reserveStock(pending) (to be queued on orders)"), out);
    assertTrue(out.contains("orders waits for charge(running) (running on billing)"), out);
  }
}

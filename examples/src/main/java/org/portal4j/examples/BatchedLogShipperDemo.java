package org.portal4j.examples;

import static org.portal4j.examples.SeedScenarioDemo.say;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.portal4j.FromAsync;
import org.portal4j.services.BatchedQueueService;
import org.portal4j.services.QueueService;

/**
 * A log shipper, the way Prefect ships its logs to the API: application threads hand log lines to a
 * {@link BatchedQueueService} (never blocking, whatever the network does), one consumer on the
 * global loop ships them in batches, and a drain before exit makes sure none is lost.
 */
public final class BatchedLogShipperDemo {

  private BatchedLogShipperDemo() {}

  /** One log line; {@code thread} is filled in by the shipper's prepare hook. */
  record LogLine(String thread, String text) {
    LogLine(String text) {
      this(null, text);
    }
  }

  /** Ships log lines in batches of at most 2,000 characters, or every 200 ms. */
  static final class LogShipper extends BatchedQueueService<LogLine> {
    final AtomicInteger shippedLines = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();

    @Override
    protected LogLine prepare(LogLine line) {
      return new LogLine(Thread.currentThread().getName(), line.text()); // on the sender's thread
    }

    @Override
    protected int sizeOf(LogLine line) {
      return line.text().length();
    }

    @Override
    protected int maxBatchSize() {
      return 2_000;
    }

    @Override
    protected Duration minInterval() {
      return Duration.ofMillis(200);
    }

    @Override
    protected int maxQueueSize() {
      return 10_000; // a stalled network costs at most this much memory; more is dropped
    }

    @Override
    protected CompletionStage<?> handleBatch(List<LogLine> batch) {
      // The HTTP POST blocks, so it runs on a thread of its own; the loop stays free meanwhile.
      return FromAsync.callInNewThread(() -> post(batch));
    }

    private Void post(List<LogLine> batch) throws InterruptedException {
      Thread.sleep(20); // stands for the request
      shippedLines.addAndGet(batch.size());
      batches.incrementAndGet();
      return null;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    LogShipper shipper = QueueService.instance(LogShipper.class, LogShipper::new);
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread worker =
          new Thread(
              () -> {
                for (int i = 0; i < 250; i++) {
                  shipper.send(new LogLine("step " + i + " of the flow run went fine"));
                }
              },
              "worker-" + w);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    say("4 workers logged 1000 lines without waiting for the network");

    boolean drained = QueueService.drainAll(LogShipper.class, Duration.ofSeconds(10));
    say("drained: " + drained);
    say(
        "shipped "
            + shipper.shippedLines.get()
            + " lines in "
            + shipper.batches.get()
            + " batches; dropped "
            + shipper.droppedCount());
  }
}

package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.FromAsync;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class BatchedQueueServiceTest {

  /** Records each batch; configured by the test. */
  static final class Batches extends BatchedQueueService<String> {
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final int maxBatchSize;
    private final Duration minInterval;
    private final ToIntFunction<String> sizeOf;
    private boolean async;

    Batches(int maxBatchSize, Duration minInterval, ToIntFunction<String> sizeOf) {
      this.maxBatchSize = maxBatchSize;
      this.minInterval = minInterval;
      this.sizeOf = sizeOf;
    }

    Batches(int maxBatchSize) {
      this(maxBatchSize, null, item -> 1);
    }

    Batches async() {
      async = true;
      return this;
    }

    @Override
    protected CompletionStage<?> handleBatch(List<String> batch) {
      if (batch.contains("fail")) {
        throw new IllegalStateException("bad batch");
      }
      if (async) {
        return FromAsync.callInNewThread(() -> batches.add(List.copyOf(batch)));
      }
      batches.add(List.copyOf(batch));
      return null;
    }

    @Override
    protected int maxBatchSize() {
      return maxBatchSize;
    }

    @Override
    protected Duration minInterval() {
      return minInterval;
    }

    @Override
    protected int sizeOf(String item) {
      return sizeOf.applyAsInt(item);
    }

    List<Integer> sizes() {
      synchronized (batches) {
        return batches.stream().map(List::size).collect(Collectors.toList());
      }
    }

    List<String> all() {
      synchronized (batches) {
        return batches.stream().flatMap(List::stream).collect(Collectors.toList());
      }
    }
  }

  private final Object key = new Object();

  @AfterEach
  void drainLeftovers() {
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(10)));
  }

  private Batches service(java.util.function.Supplier<Batches> factory) {
    return QueueService.instance(Batches.class, key, factory);
  }

  private static List<String> items(int count) {
    return IntStream.range(0, count).mapToObj(i -> "item-" + i).collect(Collectors.toList());
  }

  @Test
  void batchesHoldAtMostMaxBatchSizeItemsAndAPartialOneWaitsForTheDrain() throws Exception {
    Batches service = service(() -> new Batches(10).async());
    items(35).forEach(service::send);
    Await.until("three full batches handled", () -> service.pendingCount() == 5);
    assertEquals(List.of(10, 10, 10), service.sizes(), "without minInterval the partial one waits");

    service.drain();
    assertEquals(List.of(10, 10, 10, 5), service.sizes());
    assertEquals(items(35), service.all());
  }

  @Test
  void sizeOfWeighsItemsAndAnItemHeavierThanABatchGoesAlone() {
    Batches service = service(() -> new Batches(10, null, String::length));
    for (String item : List.of("aaaa", "bbbb", "cc", "dddddd", "eeeee", "x".repeat(15), "f")) {
      service.send(item);
    }
    service.drain();
    assertEquals(
        List.of(
            List.of("aaaa", "bbbb", "cc"), // 10: full
            List.of("dddddd"), // 6, and eeeee would make 11
            List.of("eeeee"), // the next item alone is over the limit
            List.of("x".repeat(15)), // heavier than a batch: alone
            List.of("f")), // handed over by the drain
        service.batches);
  }

  @Test
  void aPartialBatchIsHandedOverOnceMinIntervalHasPassed() throws Exception {
    Batches service = service(() -> new Batches(100, Duration.ofMillis(100), item -> 1));
    long start = System.nanoTime();
    List.of("a", "b", "c").forEach(service::send);
    Await.until("the interval flushed the batch", () -> service.batches.size() == 1);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(List.of(List.of("a", "b", "c")), service.batches);
    assertTrue(waitedMillis >= 90, "handed over after " + waitedMillis + " ms");
    assertTrue(service.isRunning());

    service.send("d"); // a new batch, with an interval of its own
    Await.until("the interval flushed the second batch", () -> service.batches.size() == 2);
    assertEquals(List.of("d"), service.batches.get(1));
  }

  @Test
  void waitUntilEmptyHandsOverThePartialBatch() {
    Batches service = service(() -> new Batches(100));
    List.of("a", "b", "c").forEach(service::send);
    service.waitUntilEmpty();
    assertEquals(List.of(List.of("a", "b", "c")), service.batches);
    assertTrue(service.isRunning());
  }

  @Test
  void waitUntilEmptyHandsOverEveryBatchItWaitsFor() {
    Batches service = service(() -> new Batches(10).async());
    items(25).forEach(service::send);
    service.waitUntilEmpty();
    assertEquals(items(25), service.all());
  }

  @Test
  void drainHandsOverThePartialBatch() {
    Batches service = service(() -> new Batches(100));
    List.of("a", "b").forEach(service::send);
    service.drain();
    assertEquals(List.of(List.of("a", "b")), service.batches);
  }

  @Test
  void drainNeverLosesAPartialBatchWhenItClosesTheQueueWhileTheConsumerFillsIt() {
    // The drain closing the queue races the consumer taking items into its batch; before the
    // consumer decided on the gate it had read ahead of its work, it sometimes stopped with the
    // batch in hand. Repeated to make the race likely.
    // (An interval timer to start makes the consumer's turn longer, and the race likelier.)
    for (int round = 0; round < 200; round++) {
      Batches service =
          QueueService.instance(
              Batches.class,
              "round-" + round,
              () -> new Batches(100, Duration.ofHours(1), item -> 1));
      service.send("a");
      service.send("b");
      service.drain();
      assertEquals(List.of(List.of("a", "b")), service.batches, "round " + round);
    }
  }

  @Test
  void aFailingBatchIsLoggedAndTheNextBatchIsHandled() {
    try (LogCapture logs = LogCapture.start()) {
      Batches service = service(() -> new Batches(2));
      List.of("a", "fail", "b", "c").forEach(service::send);
      service.drain();
      assertEquals(List.of(List.of("b", "c")), service.batches);
      assertTrue(
          logs.messages(Level.ERROR).stream().anyMatch(m -> m.contains("a batch of 2 item(s)")),
          logs.events().toString());
    }
  }

  @Test
  void anInvalidBatchConfigurationIsRejectedByInstance() {
    assertThrows(IllegalArgumentException.class, () -> service(() -> new Batches(0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> service(() -> new Batches(10, Duration.ZERO, item -> 1)));
  }

  @Test
  void drainingCancelsTheIntervalTimer() {
    Batches service = service(() -> new Batches(100, Duration.ofHours(1), item -> 1));
    service.send("a");
    service.drain(); // would leave an hour-long timer holding the service if not cancelled
    assertEquals(List.of(List.of("a")), service.batches);
    assertTrue(service.isStopped());
  }

  @Test
  void itemsFromManySendersArriveInBatchesInPerSenderOrder() throws Exception {
    Batches service = service(() -> new Batches(7).async());
    List<Thread> senders = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      int sender = s;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < 500; i++) {
                  service.send(sender + ":" + i);
                }
              },
              "sender-" + s);
      t.start();
      senders.add(t);
    }
    for (Thread t : senders) {
      t.join();
    }
    CompletableFuture<Void> drained = service.drainAsync().toCompletableFuture();
    drained.get(20, TimeUnit.SECONDS);
    List<String> all = service.all();
    assertEquals(2000, all.size());
    assertTrue(service.sizes().stream().allMatch(size -> size <= 7));
    for (int s = 0; s < 4; s++) {
      String prefix = s + ":";
      List<String> mine =
          all.stream().filter(i -> i.startsWith(prefix)).collect(Collectors.toList());
      assertEquals(
          IntStream.range(0, 500).mapToObj(i -> prefix + i).collect(Collectors.toList()), mine);
    }
  }
}

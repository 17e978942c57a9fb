package org.portal4j.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.portal4j.internal.RuntimeBinding;

/**
 * A {@link QueueService} that hands items over in batches (Prefect's {@code BatchedQueueService}):
 * to ship logs or events in one request each instead of one per item.
 *
 * <p>The consumer fills a batch from the queue in order, weighing each item with {@link #sizeOf} (1
 * by default), and hands it to {@link #handleBatch} when:
 *
 * <ul>
 *   <li>it is full: the next item would take it over {@link #maxBatchSize()} (an item heavier than
 *       that on its own goes alone);
 *   <li>{@link #minInterval()} is set and has passed since the batch's first item was taken;
 *   <li>the service drains, or a {@link #waitUntilEmpty()} waits for items in it.
 * </ul>
 *
 * Without a {@code minInterval} a partial batch waits for more items, however long. Batches are
 * handled one at a time, in order, on the global loop thread, like {@link #handle} items; while one
 * is handled, the next one gathers in the queue.
 *
 * @param <T> the item type
 * @since 0.1
 */
public abstract class BatchedQueueService<T> extends QueueService<T> {

  /** The default {@link #maxBatchSize()}. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 100;

  // Consumer-only state (the baton orders every access), except the volatile ones.
  private List<T> batch = new ArrayList<>();
  private long batchWeight;
  private volatile int buffered; // batch.size(), for wantsFlush() off the consumer
  private volatile long generation; // counts batches handed over; stale interval timers check it
  private final AtomicLong dueGeneration = new AtomicLong(-1);
  private volatile @Nullable Future<?> intervalTimer;
  private int maxBatchSize;
  private @Nullable Duration minInterval;

  /** For subclasses; get instances with {@link #instance(Class, java.util.function.Supplier)}. */
  protected BatchedQueueService() {}

  /**
   * Handles one batch, on the global loop thread; the next batch waits until this one is done.
   *
   * @param batch the items, in queue order; unmodifiable, never empty
   * @return null if handled, or a stage completing when handled
   * @throws Exception a failure, logged; the next batch is handled anyway
   */
  protected abstract @Nullable CompletionStage<?> handleBatch(List<T> batch) throws Exception;

  /**
   * The most a batch may weigh, in {@link #sizeOf} units. Read once, when the service is made.
   *
   * @return at least 1; {@value #DEFAULT_MAX_BATCH_SIZE} by default
   */
  protected int maxBatchSize() {
    return DEFAULT_MAX_BATCH_SIZE;
  }

  /**
   * How long a partial batch may wait for more items, counted from its first item; null (the
   * default) waits until it is full. Read once, when the service is made.
   *
   * @return a positive duration, or null
   */
  protected @Nullable Duration minInterval() {
    return null;
  }

  /**
   * The weight of an item, such as its length in bytes; 1 by default. Called on the global loop
   * thread; a throw is logged and the item weighs 1.
   *
   * @param item the item
   * @return its weight, 0 or more
   */
  protected int sizeOf(T item) {
    return 1;
  }

  /** Handles a single item as a batch of one; batched services are fed by {@link #handleBatch}. */
  @Override
  protected final @Nullable CompletionStage<?> handle(T item) throws Exception {
    return handleBatch(List.of(item));
  }

  @Override
  void configure() {
    int max = maxBatchSize();
    if (max < 1) {
      throw new IllegalArgumentException(
          "maxBatchSize() of " + this + " must be at least 1: " + max);
    }
    Duration interval = minInterval();
    if (interval != null && (interval.isZero() || interval.isNegative())) {
      throw new IllegalArgumentException(
          "minInterval() of " + this + " must be positive: " + interval);
    }
    this.maxBatchSize = max;
    this.minInterval = interval;
  }

  @Override
  @Nullable CompletionStage<?> consume(boolean closing) {
    boolean full = fill();
    if (batch.isEmpty()) {
      return null;
    }
    if (full || closing || dueGeneration.get() == generation || flushRequested()) {
      return handOver();
    }
    return null; // wait for more items, the interval, a drain or a waitUntilEmpty
  }

  /** Moves queued items into the batch; returns true once it is full. */
  @SuppressWarnings("unchecked")
  private boolean fill() {
    while (true) {
      Object next = peekItem();
      if (next == null) {
        return false;
      }
      long weight = weigh((T) next);
      if (!batch.isEmpty() && batchWeight + weight > maxBatchSize) {
        return true;
      }
      pollItem();
      if (batch.isEmpty()) {
        startInterval();
      }
      batch.add((T) next);
      buffered = batch.size();
      batchWeight += weight;
      if (batchWeight >= maxBatchSize) {
        return true;
      }
    }
  }

  private long weigh(T item) {
    try {
      return Math.max(0, sizeOf(item));
    } catch (Throwable t) {
      log.error("sizeOf of {} threw; counting the item as 1", this, t);
      return 1;
    }
  }

  private CompletionStage<?> handOver() {
    List<T> handed = Collections.unmodifiableList(batch);
    batch = new ArrayList<>();
    batchWeight = 0;
    buffered = 0;
    generation++;
    cancelInterval();
    int count = handed.size();
    return invoke(count, "a batch of " + count + " item(s)", () -> handleBatch(handed));
  }

  private void startInterval() {
    if (minInterval == null) {
      return;
    }
    long batchNumber = generation;
    intervalTimer =
        RuntimeBinding.runtime()
            .portalSupport()
            .schedule(
                () -> {
                  dueGeneration.accumulateAndGet(batchNumber, Math::max);
                  wake();
                },
                minInterval);
  }

  private void cancelInterval() {
    Future<?> timer = intervalTimer;
    if (timer != null) {
      intervalTimer = null;
      timer.cancel(false);
    }
  }

  @Override
  boolean wantsFlush() {
    return buffered > 0 && (dueGeneration.get() == generation || flushRequested());
  }

  @Override
  List<Object> takeBuffered() {
    List<Object> taken = new ArrayList<>(batch);
    batch = new ArrayList<>();
    batchWeight = 0;
    buffered = 0;
    return taken;
  }

  @Override
  void released() {
    cancelInterval();
  }
}

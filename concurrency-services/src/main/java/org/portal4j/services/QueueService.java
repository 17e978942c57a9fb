package org.portal4j.services;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A background consumer on the global loop that items can be sent to from any thread, and that
 * loses none of them (Prefect's {@code QueueService}). Subclass it, implement {@link #handle}, and
 * get the running instance with {@link #instance(Class, java.util.function.Supplier) instance}:
 *
 * <pre>{@code
 * final class AuditLog extends QueueService<String> {
 *     @Override protected CompletionStage<?> handle(String line) {
 *         // blocking I/O goes off the loop; its future is the stage to return
 *         return FromAsync.callInNewThread(() -> { file.append(line); return null; });
 *     }
 * }
 * // any thread, never blocks:
 * QueueService.instance(AuditLog.class, AuditLog::new).send("user 42 logged in");
 * // e.g. before exit:
 * QueueService.drainAll(AuditLog.class, Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Items are handled one at a time, in the order they were queued (so in each sender's order), by
 * {@link #handle} on the global loop thread. A handler that throws, or whose stage fails, is logged
 * at ERROR and the next item is handled. {@link AbstractQueueService} describes the lifecycle, the
 * bound, draining and the threads everything runs on.
 *
 * @param <T> the item type
 * @since 0.1
 */
public abstract non-sealed class QueueService<T> extends AbstractQueueService {

  /** For subclasses; get instances with {@link #instance(Class, java.util.function.Supplier)}. */
  protected QueueService() {}

  /**
   * Queues {@code item} (after {@link #prepare}) for {@link #handle}. Never blocks and never waits
   * for the consumer, from any thread. If the queue is full ({@link #maxQueueSize()}), the item is
   * dropped and passed to {@link #onItemDropped}.
   *
   * @param item the item
   * @throws NullPointerException if {@code item} is null, or {@code prepare} returned null
   * @throws IllegalStateException if the service was stopped, failed, or never started
   */
  public final void send(T item) {
    Objects.requireNonNull(item, "item");
    T prepared = prepare(item);
    if (prepared == null) {
      throw new NullPointerException("prepare(" + item + ") of " + this + " returned null");
    }
    offer(prepared);
  }

  /**
   * Turns an item into what is queued, on the sender's thread, before it is queued: the place to
   * capture what only the sender knows (a timestamp, the MDC). Returns the item by default. A throw
   * reaches the sender.
   *
   * @param item the item sent
   * @return the item to queue, not null
   */
  protected T prepare(T item) {
    return item;
  }

  /**
   * Handles one item, on the global loop thread; the next item waits until this one is done. Handle
   * it here and return null (or a completed stage), or start it and return a stage that completes
   * when it is done. Must not block: hand blocking work off and return its stage.
   *
   * @param item the item
   * @return null if handled, or a stage completing when handled
   * @throws Exception a failure, logged; the next item is handled anyway
   */
  protected abstract @Nullable CompletionStage<?> handle(T item) throws Exception;

  /**
   * Called with an item the full queue turned away, on the sender's thread, after it was counted.
   * Does nothing by default; a throw is logged.
   *
   * @param item the dropped item
   */
  protected void onItemDropped(T item) {}

  @Override
  @SuppressWarnings("unchecked")
  @Nullable CompletionStage<?> consume(boolean closing) {
    Object next = pollItem();
    if (next == null) {
      return null;
    }
    T item = (T) next;
    return invoke(1, item, () -> handle(item));
  }

  @Override
  @SuppressWarnings("unchecked")
  void dropped(Object item) {
    onItemDropped((T) item);
  }
}

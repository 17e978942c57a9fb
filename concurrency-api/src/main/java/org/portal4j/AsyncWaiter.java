package org.portal4j;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A waiter for non-blocking callers: {@link #awaitAsync()} never blocks; callbacks run on the event
 * loop of the thread that calls it (the global loop if that thread is not a loop thread). Callbacks
 * submitted before {@code awaitAsync()} is called are kept and run once it is.
 *
 * @param <T> the waited call's result type
 * @since 0.1
 */
public interface AsyncWaiter<T extends @Nullable Object> extends Waiter<T> {

  /**
   * Starts running callbacks on the current thread's loop until the call is done, then the done
   * callbacks; returns at once.
   *
   * @return a stage completed with the call (done) after its done callbacks have run
   * @throws IllegalStateException if called twice
   */
  CompletionStage<Call<T>> awaitAsync();
}

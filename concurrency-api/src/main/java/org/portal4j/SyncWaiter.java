package org.portal4j;

import org.jspecify.annotations.Nullable;

/**
 * A waiter for blocking callers: {@link #await()} blocks the owner thread, running callbacks on it,
 * until the call is done.
 *
 * @param <T> the waited call's result type
 * @since 0.1
 */
public interface SyncWaiter<T extends @Nullable Object> extends Waiter<T> {

  /**
   * Runs queued callbacks on this thread until the call is done, then the done callbacks, then
   * returns. Call {@link Call#result()} on the returned call for the outcome.
   *
   * <p>An interrupt of the waiting thread (or a flag already set) cancels the call; waiting then
   * ends with {@link CallCancelledException} and the interrupt flag still set.
   *
   * @return the call, done
   * @throws IllegalStateException if not called on the owner thread, or called twice
   * @throws CallCancelledException if the wait was interrupted
   */
  Call<T> await();
}

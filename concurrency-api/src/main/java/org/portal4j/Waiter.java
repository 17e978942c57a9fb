package org.portal4j;

import org.jspecify.annotations.Nullable;

/**
 * Waits for one call without just blocking: while it waits, it runs callbacks that other threads
 * {@linkplain #submit(Call) submit} to it. Code running inside the call finds the waiter with
 * {@link Waiters#current()} and sends work back to the waiting thread through it.
 *
 * <p>A waiter is registered for its owner thread when created ({@link Waiters#forThread}) and
 * removed when its waiting ends, whatever the outcome, or, if it is never awaited, when its call is
 * done. Callbacks run in submission order; those submitted before the call finished still run
 * before waiting ends, unless the call was cancelled: cancelling the call cancels callbacks queued
 * to or running in its waiter, so waiting never outlasts the call.
 *
 * @param <T> the waited call's result type
 * @since 0.1
 */
public interface Waiter<T extends @Nullable Object> extends Portal {

  /**
   * Queues {@code callback} to run on the waiting thread. Callable from any thread.
   *
   * @throws IllegalStateException if the waited call is already done
   */
  @Override
  <C extends @Nullable Object> Call<C> submit(Call<C> callback);

  /**
   * The call this waiter waits for.
   *
   * @return the call
   */
  Call<T> call();

  /**
   * The thread that created the waiter, on which callbacks run.
   *
   * @return the owner thread
   */
  Thread owner();

  /**
   * Whether the waited call is done.
   *
   * @return true once the call is done
   */
  boolean isCallDone();

  /**
   * Adds a call to run on the owner thread after the waited call is done and before waiting ends,
   * also when the call failed or was cancelled.
   *
   * @param callback the call to run
   * @throws IllegalStateException if waiting has already ended
   */
  void addDoneCallback(Call<?> callback);
}

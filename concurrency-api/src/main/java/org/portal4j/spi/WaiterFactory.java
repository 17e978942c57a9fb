package org.portal4j.spi;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;

/**
 * Makes and finds waiters: backs {@link org.portal4j.Waiters}. Part of {@link ConcurrencyRuntime}.
 *
 * @since 0.1
 */
public interface WaiterFactory {

  /**
   * Backs {@link org.portal4j.Waiters#sync}.
   *
   * @param call the call to wait for
   * @param <T> its result type
   * @return a waiter owned by the current thread
   */
  <T extends @Nullable Object> SyncWaiter<T> newSyncWaiter(Call<T> call);

  /**
   * Backs {@link org.portal4j.Waiters#async}.
   *
   * @param call the call to wait for
   * @param <T> its result type
   * @return a waiter owned by the current thread
   */
  <T extends @Nullable Object> AsyncWaiter<T> newAsyncWaiter(Call<T> call);

  /**
   * Backs {@link org.portal4j.Waiters#forThread}.
   *
   * @param thread a thread
   * @return its active waiters, innermost last
   */
  List<Waiter<?>> forThread(Thread thread);

  /**
   * Backs {@link org.portal4j.Waiters#of}.
   *
   * @param call a call
   * @return its waiter
   */
  Optional<Waiter<?>> of(Call<?> call);
}

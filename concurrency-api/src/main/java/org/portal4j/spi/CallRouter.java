package org.portal4j.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.Portal;

/**
 * Places a call on a portal for a caller and, for the waiting forms, waits for it: backs the
 * general forms of {@link org.portal4j.FromSync} and {@link org.portal4j.FromAsync}, to which their
 * Prefect-named methods delegate. Part of {@link ConcurrencyRuntime}.
 *
 * @since 0.1
 */
public interface CallRouter {

  /**
   * Backs {@link org.portal4j.FromSync#waitForCallIn}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return the call's result
   */
  <T extends @Nullable Object> T waitForCall(
      Portal portal,
      Call<T> call,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks);

  /**
   * Backs {@link org.portal4j.FromAsync#waitForCallIn}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param doneCallbacks calls to run on the waiting side once the call is done
   * @param <T> the result type
   * @return a future of the call's result
   */
  <T extends @Nullable Object> CompletableFuture<T> waitForCallAsync(
      Portal portal,
      Call<T> call,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks);

  /**
   * Backs {@link org.portal4j.FromSync#callSoonIn}.
   *
   * @param portal where the call runs
   * @param call the call
   * @param timeout the call's timeout, or null to keep its own
   * @param <T> the result type
   * @return the call, submitted
   */
  <T extends @Nullable Object> Call<T> callSoon(
      Portal portal, Call<T> call, @Nullable Duration timeout);
}

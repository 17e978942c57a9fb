package org.portal4j.spi;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;

/**
 * Makes {@link Call}s: backs {@link Call#of}, {@link Call#ofAsync}, {@link Call#current()} and
 * {@link Call#shield}. Part of {@link ConcurrencyRuntime}.
 *
 * @since 0.1
 */
public interface CallFactory {

  /**
   * Backs {@link Call#of}.
   *
   * @param name the call's name, or null to derive one
   * @param fn the function
   * @param <T> its result type
   * @return a pending call
   */
  <T extends @Nullable Object> Call<T> newCall(@Nullable String name, Callable<? extends T> fn);

  /**
   * Backs {@link Call#ofAsync}.
   *
   * @param name the call's name, or null to derive one
   * @param fn the function returning a stage
   * @param <T> the stage's result type
   * @return a pending call
   */
  <T extends @Nullable Object> Call<T> newAsyncCall(
      @Nullable String name, Callable<? extends CompletionStage<? extends T>> fn);

  /**
   * Backs {@link Call#current()}.
   *
   * @return the call running on this thread
   */
  Optional<Call<?>> current();

  /**
   * Backs {@link Call#shield}.
   *
   * @param fn the function to shield
   * @param <T> its result type
   * @return what it returned
   */
  <T extends @Nullable Object> T shield(Callable<? extends T> fn);
}

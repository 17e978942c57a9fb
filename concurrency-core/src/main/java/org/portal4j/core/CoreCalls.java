package org.portal4j.core;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.spi.CallFactory;

/** Core's {@link CallFactory}: calls are {@link CapturedCall}s. */
final class CoreCalls implements CallFactory {

  @Override
  public <T extends @Nullable Object> Call<T> newCall(
      @Nullable String name, Callable<? extends T> fn) {
    return CapturedCall.sync(name, fn);
  }

  @Override
  public <T extends @Nullable Object> Call<T> newAsyncCall(
      @Nullable String name, Callable<? extends CompletionStage<? extends T>> fn) {
    return CapturedCall.async(name, fn);
  }

  @Override
  public Optional<Call<?>> current() {
    return CapturedCall.current();
  }

  @Override
  public <T extends @Nullable Object> T shield(Callable<? extends T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    Optional<Call<?>> current = CapturedCall.current();
    if (current.isEmpty()) {
      return CapturedCall.callRethrowing(fn);
    }
    return ((CapturedCall<?>) current.get()).shield(fn);
  }
}

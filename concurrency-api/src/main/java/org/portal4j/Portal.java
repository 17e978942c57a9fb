package org.portal4j;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Somewhere a {@link Call} can run: another thread, an event loop, or a waiting thread.
 *
 * <p>Writing a portal takes one method: {@link #submit(Call)} must set itself as the call's runner
 * ({@link Call#setRunner(Portal)}) and arrange for {@link Call#run()} to be invoked once, on the
 * thread(s) the portal stands for. Everything else (results, timeouts, cancellation, context) is
 * the call's business. Such a portal can be used with {@link FromSync#callIn} and {@link
 * FromSync#waitForCallIn}.
 *
 * <p>Implementations must be safe to call from any thread.
 *
 * @since 0.1
 */
public interface Portal {

  /**
   * Schedules the call to run on this portal.
   *
   * @param call the call; its runner becomes this portal
   * @param <T> the call's result type
   * @return the same call, for chaining
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if the call already has a runner, or the portal cannot take more
   *     calls for a reason of its own (such as a run-once worker that already has its call)
   * @throws java.util.concurrent.RejectedExecutionException if the portal has been shut down
   */
  <T extends @Nullable Object> Call<T> submit(Call<T> call);

  /**
   * Wraps {@code fn} in a new call ({@link Call#of(Callable)}) and submits it.
   *
   * @param fn the function
   * @param <T> its result type
   * @return the new call
   */
  default <T extends @Nullable Object> Call<T> submit(Callable<? extends T> fn) {
    return submit(Call.of(fn));
  }

  /**
   * The portal's name, used in thread names, log lines and {@code toString()}.
   *
   * @return the name, never null
   */
  String name();
}

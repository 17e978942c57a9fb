package org.portal4j;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.portal4j.internal.RuntimeBinding;

/**
 * Makes and finds {@link Waiter}s.
 *
 * @since 0.1
 */
public final class Waiters {

  private Waiters() {}

  /**
   * A new blocking waiter for {@code call}, owned by the current thread.
   *
   * @param call the call to wait for
   * @param <T> its result type
   * @return the waiter, registered for the current thread
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if the call already has a waiter
   */
  public static <T extends @Nullable Object> SyncWaiter<T> sync(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    return RuntimeBinding.runtime().waiters().newSyncWaiter(call);
  }

  /**
   * A new non-blocking waiter for {@code call}, owned by the current thread. Its callbacks run on
   * the loop of the thread that calls {@link AsyncWaiter#awaitAsync()}.
   *
   * @param call the call to wait for
   * @param <T> its result type
   * @return the waiter, registered for the current thread
   * @throws NullPointerException if {@code call} is null
   * @throws IllegalStateException if the call already has a waiter
   */
  public static <T extends @Nullable Object> AsyncWaiter<T> async(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    return RuntimeBinding.runtime().waiters().newAsyncWaiter(call);
  }

  /**
   * The waiters registered for {@code thread}, innermost (most recently created) last.
   *
   * @param thread the thread
   * @return an immutable snapshot
   */
  public static List<Waiter<?>> forThread(Thread thread) {
    if (thread == null) {
      throw new NullPointerException("thread");
    }
    return RuntimeBinding.runtime().waiters().forThread(thread);
  }

  /**
   * The waiter attached to {@code call}, while it is registered.
   *
   * @param call the call
   * @return its waiter
   */
  public static Optional<Waiter<?>> of(Call<?> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    return RuntimeBinding.runtime().waiters().of(call);
  }

  /**
   * The waiter waiting for {@link Call#current()}: how code running in a call sends work back to
   * the thread that waits for it.
   *
   * @return the waiter, empty when there is no current call or nobody waits for it with a waiter
   */
  public static Optional<Waiter<?>> current() {
    return Call.current().flatMap(Waiters::of);
  }
}

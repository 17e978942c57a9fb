package org.portal4j;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One call in a {@link Diagnostics#inFlight()} snapshot: a call that a portal has taken and that
 * has not ended, as it was when the snapshot was taken. The values never change; the call itself
 * goes on.
 *
 * @param call the call itself (cancel it to end it)
 * @param name the call's name
 * @param portal the name of the portal it was submitted to, or {@code null} for a call run directly
 *     with {@link Call#run()}
 * @param state queued, running, or awaiting the stage of its async function
 * @param age how long it has been queued (from its submission) or running (from its start)
 * @param remaining how long until its deadline, negative once past it; {@code null} without a
 *     timeout
 * @param waiter the waiter attached to the call ({@link Waiters#of}), or {@code null}
 * @param thread the thread running it right now, or {@code null} when it is queued or awaiting its
 *     stage
 * @param stack that thread's stack when the snapshot was taken, outermost frame last; empty without
 *     a thread (and for a thread that ended meanwhile)
 * @param waitingThreads the threads blocked waiting for the call's outcome right now (in {@link
 *     Call#result()}, a {@link FromSync} method or a {@link SyncWaiter})
 * @since 0.1
 */
public record InFlightCall(
    Call<?> call,
    String name,
    @Nullable String portal,
    InFlightCall.State state,
    Duration age,
    @Nullable Duration remaining,
    @Nullable Waiter<?> waiter,
    @Nullable Thread thread,
    List<StackTraceElement> stack,
    List<Thread> waitingThreads) {

  /**
   * Checks the values and copies the lists.
   *
   * @throws NullPointerException if {@code call}, {@code name}, {@code state}, {@code age}, {@code
   *     stack} or {@code waitingThreads} is null
   */
  public InFlightCall {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(age, "age");
    stack = List.copyOf(stack);
    waitingThreads = List.copyOf(waitingThreads);
  }

  /**
   * The time left until the deadline, if the call has a timeout.
   *
   * @return the remaining time, negative once past the deadline
   * @since 0.1
   */
  public Optional<Duration> deadline() {
    return Optional.ofNullable(remaining);
  }

  /**
   * The thread running the call, if one is.
   *
   * @return the thread
   * @since 0.1
   */
  public Optional<Thread> runningOn() {
    return Optional.ofNullable(thread);
  }

  /**
   * Where a call in flight is.
   *
   * @since 0.1
   */
  public enum State {
    /** Submitted to a portal, waiting for its turn. */
    QUEUED,
    /** Its function is running on {@link InFlightCall#thread()}. */
    RUNNING,
    /** Its async function returned a stage that has not completed: no thread runs it. */
    AWAITING_STAGE
  }
}

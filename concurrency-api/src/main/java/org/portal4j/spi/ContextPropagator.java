package org.portal4j.spi;

import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;

/**
 * Carries one kind of thread-bound context (a {@code ThreadLocal}: a tracing span, a security
 * principal, a tenant) from the thread that creates a {@link org.portal4j.Call} to the thread that
 * runs it. {@link ContextKey} values and the SLF4J MDC are carried by built-in propagators; this is
 * how users add their own.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}, once, when the runtime first
 * captures a context: list the class in {@code
 * META-INF/services/org.portal4j.spi.ContextPropagator}, or with {@code provides
 * org.portal4j.spi.ContextPropagator with ...} in a {@code module-info.java}. A provider that fails
 * to load is logged at WARN and skipped. Adding the jar is all a user does: the {@code
 * concurrency-micrometer} module is such a jar.
 *
 * <h2>When each method runs</h2>
 *
 * <ol>
 *   <li>{@link #capture()} runs on the thread that creates the call ({@code Call.of}, {@code
 *       Call.ofAsync} and everything built on them), at creation;
 *   <li>{@link #restore} runs on the thread that runs the call, just before its function, with the
 *       value {@code capture()} returned (null included: a call made where there was nothing to
 *       carry runs without the running thread's value, as it would on a fresh thread);
 *   <li>the scope {@code restore} returned is closed on the same thread just after the function
 *       returns or throws, and puts back what the thread had before.
 * </ol>
 *
 * A call that is cancelled before it starts never restores its context. The runtime opens the
 * scopes of all propagators in one order (the built-ins first, then the providers in {@link
 * java.util.ServiceLoader} order) and closes them in the reverse order, also when the function
 * throws: a propagator may rely on its scope being innermost of those opened after it.
 *
 * <h2>Failures</h2>
 *
 * A propagator is user code on the hot path of every call. Whatever it throws ({@link Error}s
 * included) from any of its methods, or from its scope's {@code close()}, is caught and logged at
 * WARN naming the propagator's class; the other propagators still run and the call runs and ends as
 * if that one propagator were absent (a failed capture carries null). A {@code restore} that throws
 * is responsible for whatever it changed before throwing.
 *
 * <h2>Thread safety and cost</h2>
 *
 * One instance serves every call on every thread, so it must be thread-safe (usually it is
 * stateless). Keep {@code capture()} cheap and allocation-free when there is nothing to carry
 * (return null): it runs for every call made. The captured value is read on another thread, after a
 * happens-before edge (the call's hand-over to its portal); it should be immutable.
 *
 * <p>Implementations must not block, and must not create or wait for calls.
 *
 * @param <T> the type of the captured value
 * @since 0.1
 */
public interface ContextPropagator<T extends @Nullable Object> {

  /**
   * Takes the value to carry from the current thread, the one creating a call.
   *
   * @return the value, or null when there is nothing to carry (the running thread then runs the
   *     call without a value of this kind)
   */
  @Nullable T capture();

  /**
   * Makes {@code value} the current thread's value (or clears it, for null) until the returned
   * scope is closed. Runs on the thread about to run the call.
   *
   * @param value what {@link #capture()} returned on the creating thread; may be null
   * @return a scope whose {@code close()}, on this same thread, puts back exactly what the thread
   *     had before this method ran; never null (a null is taken as a scope that does nothing)
   */
  ContextKey.Scope restore(@Nullable T value);
}

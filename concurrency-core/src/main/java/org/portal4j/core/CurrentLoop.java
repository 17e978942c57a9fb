package org.portal4j.core;

import java.util.Optional;
import org.portal4j.ContextKey;
import org.portal4j.LoopPortal;

/**
 * Which {@link LoopPortal} the current thread is running the tasks of, if any: the first half of
 * what {@link org.portal4j.Portals#currentLoop()} answers (the chosen loop provider answers for
 * threads no portal bound, see {@link org.portal4j.spi.PortalProvider#currentLoop()}). Loops bind
 * their thread while it runs their tasks.
 */
final class CurrentLoop {

  private static final ThreadLocal<LoopPortal> LOOP = new ThreadLocal<>();

  /**
   * Unbinds a thread that was bound to no loop before. It sets null rather than removing the
   * thread's entry: an executor-driven loop binds its thread once per drain, and each bind would
   * otherwise make the entry anew (a round trip on the Netty backend allocated it every time).
   */
  private static final ContextKey.Scope UNBIND = () -> LOOP.set(null);

  private CurrentLoop() {}

  /**
   * The loop bound to the current thread.
   *
   * @return the loop, empty off loop threads
   */
  static Optional<LoopPortal> get() {
    return Optional.ofNullable(LOOP.get());
  }

  /**
   * Marks the current thread as {@code loop}'s thread until the returned scope is closed.
   *
   * @param loop the loop
   * @return a scope that restores what the thread was bound to before
   */
  static ContextKey.Scope bind(LoopPortal loop) {
    LoopPortal previous = LOOP.get();
    LOOP.set(loop);
    return previous == null ? UNBIND : () -> LOOP.set(previous);
  }
}

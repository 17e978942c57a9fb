package org.portal4j.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.portal4j.LoopPortal;

/**
 * Which {@link LoopPortal} the current thread runs, if any: what {@link
 * org.portal4j.Portals#currentLoop()} answers. A loop backend binds its thread when the loop starts
 * and unbinds it when the loop ends.
 */
public final class CurrentLoop {

  private static final ThreadLocal<LoopPortal> LOOP = new ThreadLocal<>();
  private static final List<Supplier<Optional<LoopPortal>>> RESOLVERS =
      new CopyOnWriteArrayList<>();

  private CurrentLoop() {}

  /**
   * The loop the current thread runs.
   *
   * @return the loop, empty off loop threads
   */
  public static Optional<LoopPortal> get() {
    LoopPortal bound = LOOP.get();
    if (bound != null) {
      return Optional.of(bound);
    }
    for (Supplier<Optional<LoopPortal>> resolver : RESOLVERS) {
      Optional<LoopPortal> found = resolver.get();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * Adds a way to recognise loop threads that no portal has bound (threads of a foreign loop
   * library), asked in order when the current thread is not bound.
   *
   * @param resolver answers the portal for the current thread, or empty
   */
  public static void addResolver(Supplier<Optional<LoopPortal>> resolver) {
    if (resolver == null) {
      throw new NullPointerException("resolver");
    }
    RESOLVERS.add(resolver);
  }

  /**
   * Marks the current thread as {@code loop}'s thread; call on the loop thread when it starts.
   *
   * @param loop the loop, or null to unbind
   */
  public static void bind(LoopPortal loop) {
    if (loop == null) {
      LOOP.remove();
    } else {
      LOOP.set(loop);
    }
  }
}

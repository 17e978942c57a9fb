package org.portal4j.core;

import java.util.Optional;
import org.portal4j.LoopPortal;

/**
 * Which {@link LoopPortal} the current thread runs, if any: what {@link
 * org.portal4j.Portals#currentLoop()} answers. A loop backend binds its thread when the loop starts
 * and unbinds it when the loop ends.
 */
public final class CurrentLoop {

  private static final ThreadLocal<LoopPortal> LOOP = new ThreadLocal<>();

  private CurrentLoop() {}

  /**
   * The loop the current thread runs.
   *
   * @return the loop, empty off loop threads
   */
  public static Optional<LoopPortal> get() {
    return Optional.ofNullable(LOOP.get());
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

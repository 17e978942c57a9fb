package org.portal4j;

import java.util.Collection;
import java.util.List;

/**
 * The portals that {@link FromSync}'s and {@link FromAsync}'s Prefect-named methods name, resolved
 * only once the arguments passed their null checks (so a bad argument never makes the global loop).
 */
final class Targets {

  private Targets() {}

  static Portal requirePortal(Portal portal) {
    if (portal == null) {
      throw new NullPointerException("portal");
    }
    return portal;
  }

  static Portal newThread() {
    return Portals.newThreadPerCall();
  }

  static Portal globalLoop(Call<?> call) {
    return globalLoop(call, List.of());
  }

  static Portal globalLoop(Call<?> call, Collection<?> doneCallbacks) {
    if (call == null || doneCallbacks == null) {
      throw new NullPointerException(call == null ? "call" : "doneCallbacks");
    }
    return Portals.globalLoop();
  }
}

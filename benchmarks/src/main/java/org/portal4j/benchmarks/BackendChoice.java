package org.portal4j.benchmarks;

import java.util.Locale;
import org.portal4j.Portals;
import org.portal4j.spi.PortalKind;

/**
 * Picks the portal4j backend a benchmark measures through {@code Portals}/{@code FromSync}, the way
 * a user does: with the system property {@code portal4j.worker} or {@code portal4j.loop}. The
 * runtime chooses once per JVM, at the first use of a kind, so this only works in a fresh fork;
 * {@link #require} checks the choice and fails the trial otherwise, instead of measuring the wrong
 * backend.
 */
final class BackendChoice {

  private BackendChoice() {}

  /**
   * Makes {@code name} the backend of {@code kind} in this JVM, or fails.
   *
   * @throws IllegalStateException if this JVM already chose another backend for {@code kind}
   */
  static void require(PortalKind kind, String name) {
    String property = "portal4j." + kind.name().toLowerCase(Locale.ROOT);
    String set = System.getProperty(property);
    if (set == null) {
      System.setProperty(property, name);
    } else if (!set.equals(name)) {
      throw new IllegalStateException(
          "This benchmark measures the '" + name + "' backend, but -D" + property + "=" + set);
    }
    String chosen = Portals.backends().get(kind);
    if (!name.equals(chosen)) {
      throw new IllegalStateException(
          "This benchmark measures the '"
              + name
              + "' "
              + kind
              + " backend, but this JVM already chose '"
              + chosen
              + "': run it in a fork of its own (-f 1 or more, not -f 0)");
    }
  }
}

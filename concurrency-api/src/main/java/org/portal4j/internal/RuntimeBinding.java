package org.portal4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.portal4j.spi.ConcurrencyRuntime;

/**
 * Finds the {@link ConcurrencyRuntime}, once, lazily, the way SLF4J 2 finds its provider, and
 * checks that it was built for this API's SPI version. When there is none, or none that loads, or
 * one built for another version, every entry point throws an {@link IllegalStateException} that
 * says what to do, every time it is called (never an {@code ExceptionInInitializerError}), with
 * what went wrong as its cause.
 *
 * <p>Internal: not exported to users of the {@code org.portal4j} module.
 *
 * @since 0.1
 */
public final class RuntimeBinding {

  /** The message when no runtime is on the class path. */
  public static final String MISSING =
      "No portal4j runtime found on the class path: add the dependency"
          + " org.portal4j:concurrency-core (same version as concurrency-api).";

  private RuntimeBinding() {}

  /**
   * The bound runtime.
   *
   * @return the runtime
   * @throws IllegalStateException if no compatible runtime could be bound
   */
  public static ConcurrencyRuntime runtime() {
    ConcurrencyRuntime runtime = Holder.RUNTIME;
    if (runtime == null) {
      IllegalStateException e = new IllegalStateException(Holder.FAILURE);
      if (!Holder.CAUSES.isEmpty()) {
        e.initCause(Holder.CAUSES.get(0));
        Holder.CAUSES.subList(1, Holder.CAUSES.size()).forEach(e::addSuppressed);
      }
      throw e;
    }
    return runtime;
  }

  /**
   * Whether a runtime built for SPI version {@code runtime} works with this API's: the same major
   * and minor version.
   *
   * @param runtime the runtime's {@link ConcurrencyRuntime#apiVersion()}
   * @return true if compatible
   */
  static boolean compatible(String runtime) {
    return majorMinor(ConcurrencyRuntime.API_VERSION).equals(majorMinor(runtime));
  }

  private static String majorMinor(String version) {
    if (version == null) {
      return "";
    }
    String[] parts = version.trim().split("\\.");
    return parts.length < 2 ? version.trim() : parts[0] + "." + parts[1];
  }

  /** Initialisation-on-demand: the class initialiser never throws, so failures stay ISEs. */
  private static final class Holder {
    static final @Nullable ConcurrencyRuntime RUNTIME;
    static final @Nullable String FAILURE;
    static final List<Throwable> CAUSES;

    static {
      List<ConcurrencyRuntime> found = new ArrayList<>();
      List<Throwable> causes = new ArrayList<>();
      var iterator =
          ServiceLoader.load(ConcurrencyRuntime.class, RuntimeBinding.class.getClassLoader())
              .iterator();
      while (true) {
        try {
          if (!iterator.hasNext()) {
            break;
          }
          found.add(iterator.next());
        } catch (ServiceConfigurationError | LinkageError e) {
          causes.add(e);
        }
      }
      ConcurrencyRuntime chosen = null;
      String failure = causes.isEmpty() ? MISSING : null;
      for (ConcurrencyRuntime candidate : found) {
        String version;
        try {
          version = candidate.apiVersion();
        } catch (RuntimeException | LinkageError e) {
          causes.add(e);
          version = "unknown (" + e + ")";
        }
        if (compatible(version)) {
          chosen = candidate;
          break;
        }
        failure =
            "The portal4j runtime "
                + candidate.getClass().getName()
                + " was built for portal4j API version "
                + version
                + ", but concurrency-api on the class path is version "
                + ConcurrencyRuntime.API_VERSION
                + ": use concurrency-api and concurrency-core of the same version (import"
                + " org.portal4j:portal4j-bom).";
      }
      if (chosen == null && failure == null) {
        failure = "The portal4j runtime on the class path failed to load; see the cause.";
      }
      if (found.size() > 1) {
        org.slf4j.LoggerFactory.getLogger("org.portal4j")
            .warn(
                "Found {} portal4j runtimes on the class path, using {}: {}",
                found.size(),
                chosen == null ? "none" : chosen.getClass().getName(),
                found);
      }
      RUNTIME = chosen;
      FAILURE = failure;
      CAUSES = List.copyOf(causes);
    }
  }
}

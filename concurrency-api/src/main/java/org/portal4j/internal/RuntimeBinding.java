package org.portal4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.portal4j.spi.ConcurrencyRuntime;

/**
 * Finds the {@link ConcurrencyRuntime}, once, lazily, the way SLF4J 2 finds its provider. When none
 * is found every entry point throws an {@link IllegalStateException} telling what to add, every
 * time it is called (never an {@code ExceptionInInitializerError}).
 */
public final class RuntimeBinding {

  public static final String MISSING =
      "No portal4j runtime found on the class path: add the dependency"
          + " org.portal4j:concurrency-core (same version as concurrency-api).";

  private RuntimeBinding() {}

  public static ConcurrencyRuntime runtime() {
    ConcurrencyRuntime runtime = Holder.RUNTIME;
    if (runtime == null) {
      throw new IllegalStateException(
          Holder.PROBLEMS.isEmpty()
              ? MISSING
              : "The portal4j runtime on the class path failed to load:" + Holder.PROBLEMS);
    }
    return runtime;
  }

  /** Initialisation-on-demand: the class initialiser never throws, so failures stay ISEs. */
  private static final class Holder {
    static final ConcurrencyRuntime RUNTIME;
    static final String PROBLEMS;

    static {
      List<ConcurrencyRuntime> found = new ArrayList<>();
      StringBuilder problems = new StringBuilder();
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
          problems.append(' ').append(e);
          if (e.getCause() != null) {
            problems.append(", caused by ").append(e.getCause());
          }
          problems.append('.');
        }
      }
      if (found.size() > 1) {
        org.slf4j.LoggerFactory.getLogger("org.portal4j")
            .warn(
                "Found {} portal4j runtimes on the class path, using {}: {}",
                found.size(),
                found.get(0).getClass().getName(),
                found);
      }
      RUNTIME = found.isEmpty() ? null : found.get(0);
      PROBLEMS = problems.toString();
    }
  }
}

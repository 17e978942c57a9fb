package org.portal4j.core;

import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.portal4j.spi.ContextPropagator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ContextPropagator}s found with {@link ServiceLoader}: loaded once, at the first call
 * made, and shared by every call after. A provider that fails to load or construct is logged at
 * WARN and skipped, as a broken backend is in {@link Backends} (a {@link
 * java.util.ServiceConfigurationError}, a {@link LinkageError}, anything its constructor throws).
 *
 * <p>Providers load in a class initialiser, once: threads that make their first call meanwhile wait
 * for it (so a provider's constructor must not wait for another thread's call). A provider whose
 * constructor makes a call sees no custom propagators for that call.
 */
final class ContextPropagators {

  private static final Logger log = LoggerFactory.getLogger(ContextPropagators.class);

  /** No custom propagator: the common case, checked by identity on the hot path. */
  static final ContextPropagator<Object>[] NONE = newArray(0);

  /** Stops a service file that fails the same way forever from looping the loader. */
  private static final AtomicReference<ContextPropagator<Object> @Nullable []> LOADED =
      new AtomicReference<>();

  /** Set while this thread loads: a provider constructor that makes a call must not recurse. */
  private static final ThreadLocal<@Nullable Boolean> LOADING = new ThreadLocal<>();

  private ContextPropagators() {}

  /**
   * The custom propagators, in {@link ServiceLoader} order.
   *
   * @return the shared array (never modify it), {@link #NONE} when there are none
   */
  static ContextPropagator<Object>[] custom() {
    ContextPropagator<Object> @Nullable [] loaded = LOADED.get();
    return loaded != null ? loaded : Once.all();
  }

  /**
   * Loads in a class initialiser: one thread loads while the others wait for it. Lazily, in the
   * middle of calls, two threads searching the class path at once met in the class loader's
   * monitor, which Lincheck's model checker (RunOncePortalModelTest) took for a deadlock; it runs
   * class initialisers as one step.
   */
  private static final class Once {
    private static final ContextPropagator<Object>[] ALL = load();

    /** Null only on the loading thread, for a call a provider's constructor makes. */
    @SuppressWarnings("ConstantConditions")
    static ContextPropagator<Object>[] all() {
      ContextPropagator<Object> @Nullable [] all = ALL;
      return all != null ? all : NONE;
    }
  }

  private static ContextPropagator<Object>[] load() {
    if (LOADING.get() != null) {
      return NONE;
    }
    LOADING.set(Boolean.TRUE);
    try {
      ContextPropagator<Object>[] found;
      try {
        found =
            discover(
                ServiceLoader.load(
                        ContextPropagator.class, ContextPropagators.class.getClassLoader())
                    .iterator());
      } catch (Throwable t) { // ServiceLoader itself refused: carry on without custom propagators
        log.warn(
            "Could not look for portal4j context propagators; calls carry only the built-in", t);
        found = NONE;
      }
      if (LOADED.compareAndSet(null, found) && found.length > 0) {
        log.debug("Context propagators: {}", List.of(found));
      }
      ContextPropagator<Object> @Nullable [] now = LOADED.get();
      return now != null ? now : found;
    } finally {
      LOADING.remove();
    }
  }

  /** Loads every provider that loads, logging and skipping the others. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static ContextPropagator<Object>[] discover(Iterator<ContextPropagator> providers) {
    List<ContextPropagator> found =
        ServiceProviders.loadEach(
            providers,
            e -> log.warn("A portal4j context propagator failed to load and is skipped", e));
    return found.isEmpty() ? NONE : found.toArray(newArray(found.size()));
  }

  @SuppressWarnings("unchecked")
  private static ContextPropagator<Object>[] newArray(int length) {
    return (ContextPropagator<Object>[]) new ContextPropagator<?>[length];
  }

  /** A propagator in a log message: its class, which users recognise. */
  static String describe(ContextPropagator<?> propagator) {
    return propagator.getClass().getName();
  }
}

package org.portal4j.micrometer;

import com.google.auto.service.AutoService;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;
import org.portal4j.spi.ContextPropagator;

/**
 * Carries the values of every {@code ThreadLocalAccessor} registered with Micrometer's {@link
 * ContextRegistry} (the global instance, {@link ContextRegistry#getInstance()}) from the thread
 * that creates a portal4j call to the thread that runs it. Found by {@link
 * java.util.ServiceLoader}: users add the {@code concurrency-micrometer} jar and never name this
 * class.
 *
 * <p>Capture takes a {@link ContextSnapshot} of all accessors' values; restore sets them with
 * {@code clearMissing}, so an accessor without a value at creation has none while the call runs (as
 * on a fresh thread), and closing the scope puts back every value the running thread had. Accessors
 * registered after a call was created are cleared and restored around it like the others.
 *
 * <p>When no registered accessor has a value, capturing returns null and takes no snapshot; when
 * none is registered, restoring does nothing either.
 *
 * @since 0.1
 */
@AutoService(ContextPropagator.class)
public final class MicrometerContextPropagator implements ContextPropagator<ContextSnapshot> {

  private static final ContextKey.Scope NOTHING = () -> {};

  private final ContextRegistry registry;
  private final ContextSnapshotFactory snapshots;

  /** The bridge over the global registry; {@link java.util.ServiceLoader} calls this. */
  public MicrometerContextPropagator() {
    this(ContextRegistry.getInstance());
  }

  MicrometerContextPropagator(ContextRegistry registry) {
    this.registry = registry;
    this.snapshots =
        ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
  }

  /**
   * A snapshot of every registered accessor's value on this thread.
   *
   * @return the snapshot, or null when no registered accessor has a value
   */
  @Override
  public @Nullable ContextSnapshot capture() {
    for (ThreadLocalAccessor<?> accessor : registry.getThreadLocalAccessors()) {
      if (accessor.getValue() != null) {
        return snapshots.captureAll();
      }
    }
    return null; // nothing set: no snapshot per call (restore(null) clears them all the same)
  }

  /**
   * Sets the snapshot's values on this thread, clearing the accessors it has no value for.
   *
   * @param value the snapshot; null sets no value for any accessor
   * @return a scope that puts back what this thread had
   */
  @Override
  public ContextKey.Scope restore(@Nullable ContextSnapshot value) {
    ContextSnapshot snapshot = value;
    if (snapshot == null) {
      if (registry.getThreadLocalAccessors().isEmpty()) {
        return NOTHING;
      }
      snapshot = snapshots.captureFrom(); // no source: empty, and clears every accessor
    }
    ContextSnapshot.Scope scope = snapshot.setThreadLocals();
    return scope::close;
  }

  @Override
  public String toString() {
    return "Micrometer context propagator";
  }
}

package org.portal4j.core;

import org.jspecify.annotations.Nullable;
import org.portal4j.ContextKey;
import org.portal4j.spi.ContextPropagator;

/**
 * The built-in propagator of {@link ContextKey} values. Capturing is one thread-local read and
 * allocates nothing (the values are an immutable map); restoring onto a thread that had no values
 * allocates nothing either.
 */
final class ContextKeyPropagator implements ContextPropagator<ContextKey.Snapshot> {

  static final ContextKeyPropagator INSTANCE = new ContextKeyPropagator();

  private ContextKeyPropagator() {}

  /** Never null: a thread without values gives the shared empty snapshot. */
  @Override
  public ContextKey.Snapshot capture() {
    return ContextKey.snapshot();
  }

  /**
   * Attaches the snapshot. Null comes only from a capture that failed (never from {@link
   * #capture()} itself): the thread's values are then left as they are.
   */
  @Override
  public ContextKey.Scope restore(ContextKey.@Nullable Snapshot value) {
    return value == null ? CallContext.NOTHING : value.attach();
  }

  @Override
  public String toString() {
    return "ContextKey propagator";
  }
}

package org.portal4j.core;

import java.util.EnumSet;
import java.util.Set;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * A WORKER backend whose {@code newWorker} always throws {@link #FAILURE}. Registered only in the
 * child JVMs of {@link NewWorkerFailureTest} (and chosen there with {@code -Dportal4j.worker=}
 * {@value #NAME}); the test JVM never sees it.
 */
public final class ThrowingWorkerProvider implements PortalProvider {

  static final String NAME = "throwing-worker";
  static final IllegalStateException FAILURE =
      new IllegalStateException("ThrowingWorkerProvider cannot make workers");

  /** Required by {@link java.util.ServiceLoader}. */
  public ThrowingWorkerProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -1;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.WORKER);
  }

  @Override
  public WorkerPortal newWorker(PortalOptions options) {
    throw FAILURE;
  }

  @Override
  public LoopPortal newLoop(PortalOptions options) {
    throw new UnsupportedOperationException("WORKER only");
  }
}

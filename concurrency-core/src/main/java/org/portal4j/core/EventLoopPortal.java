package org.portal4j.core;

import java.time.Duration;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractLoopPortal;

/**
 * The platform backend's event loop: one platform thread of its own, named after the portal,
 * draining one FIFO task queue. Sync calls run inline; an async call runs its function and is then
 * tracked as in flight until its stage completes. The lifecycle and the shutdown sequence are
 * {@link AbstractLoopPortal}'s.
 *
 * @since 0.1
 */
public class EventLoopPortal extends AbstractLoopPortal {

  /** How long shutdown waits for each unfinished shutdown call before cancelling it. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = AbstractLoopPortal.DEFAULT_SHUTDOWN_GRACE;

  /**
   * A loop with the {@linkplain #DEFAULT_SHUTDOWN_GRACE default shutdown grace}.
   *
   * @param options name, daemon flag, run-once
   */
  public EventLoopPortal(PortalOptions options) {
    this(options, DEFAULT_SHUTDOWN_GRACE);
  }

  /**
   * A loop with the given shutdown grace.
   *
   * @param options name, daemon flag, run-once
   * @param shutdownGrace how long each shutdown call may take before it is cancelled
   */
  public EventLoopPortal(PortalOptions options, Duration shutdownGrace) {
    super(options, "EventLoopThread", shutdownGrace);
  }

  /**
   * Runs on the loop thread before the loop takes its first task; a throw fails {@link #start()}.
   * Does nothing by default.
   *
   * @throws Exception a start-up failure
   */
  protected void onLoopStart() throws Exception {}

  @Override
  protected final void onStart() throws Exception {
    onLoopStart();
  }
}

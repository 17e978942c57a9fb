package org.portal4j.core;

import java.time.Duration;
import java.util.concurrent.Future;
import org.portal4j.ContextKey;
import org.portal4j.LoopPortal;
import org.portal4j.spi.PortalHandle;
import org.portal4j.spi.PortalSupport;

/** Core's {@link PortalSupport}: the shared timer, the live-portal registry, the current loop. */
final class CorePortalSupport implements PortalSupport {

  private final LivePortals live;

  CorePortalSupport(LivePortals live) {
    this.live = live;
  }

  /** The live-portal registry, where the exit sequence finds each portal's handle. */
  LivePortals live() {
    return live;
  }

  @Override
  public Future<?> schedule(Runnable task, Duration delay) {
    if (task == null || delay == null) {
      throw new NullPointerException(task == null ? "task" : "delay");
    }
    return TimeoutScheduler.schedule(task, delay);
  }

  @Override
  public Registration register(PortalHandle portal) {
    if (portal == null) {
      throw new NullPointerException("portal");
    }
    return live.register(portal);
  }

  @Override
  public ContextKey.Scope bindLoop(LoopPortal loop) {
    if (loop == null) {
      throw new NullPointerException("loop");
    }
    return CurrentLoop.bind(loop);
  }
}

package org.portal4j.netty;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.Optional;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractLoopPortal;
import org.portal4j.spi.support.Deadline;

/**
 * A {@link org.portal4j.LoopPortal} over one Netty {@link EventExecutor}: the portal's calls and
 * tasks run there, one drain task at a time, between the executor's channel work. The lifecycle and
 * the shutdown sequence are {@link AbstractLoopPortal}'s; they never block the Netty thread.
 *
 * <p>A portal that {@linkplain NettyPortals#wrap wraps} a user's loop never shuts that loop down. A
 * portal made by the {@code netty} provider owns a single-thread NIO event loop, made when it
 * starts (an unstarted portal holds no selector), and shuts it down when the portal terminates.
 */
final class NettyLoopPortal extends AbstractLoopPortal {

  private final NettyLoop loop;

  /** The last answer of {@link #thread()} for the loop's own thread: asked on every waited call. */
  private volatile Optional<Thread> ownedView = Optional.empty();

  NettyLoopPortal(
      PortalOptions options, String namePrefix, NettyLoop loop, Duration shutdownGrace) {
    super(options, namePrefix, loop, shutdownGrace);
    this.loop = loop;
    loop.nameThread(name());
  }

  /** The Netty executor behind this portal (made now if the portal owns it and had not yet). */
  EventExecutor executor() {
    return loop.executor();
  }

  /** Whether this portal runs on {@code executor}, without making an executor it owns. */
  boolean runsOn(EventExecutor executor) {
    return loop.isMade() && loop.executor() == executor;
  }

  @Override
  public boolean runsOnlyOn(Thread candidate) {
    return candidate != null && loop.isMade() && loop.executor().inEventLoop(candidate);
  }

  @Override
  public Optional<Thread> thread() {
    Thread owned = loop.thread();
    if (owned == null) {
      return super.thread();
    }
    Optional<Thread> view = ownedView;
    if (view.orElse(null) != owned) {
      view = Optional.of(owned);
      ownedView = view;
    }
    return view;
  }

  @Override
  protected void onStart() {
    NettyPortals.remember(this, loop.executor()); // findable from its thread by currentLoop()
  }

  @Override
  protected void onTerminated() {
    NettyPortals.forget(this);
    loop.release(shutdownGrace());
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    Deadline deadline = Deadline.after(timeout);
    if (!super.awaitTermination(timeout)) {
      return false;
    }
    return loop.awaitExit(deadline); // an owned loop's thread exits after the portal ended
  }
}

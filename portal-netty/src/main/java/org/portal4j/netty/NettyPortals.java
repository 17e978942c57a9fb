package org.portal4j.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractLoopPortal;

/**
 * Portals over Netty event loops, including loops the user already has.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
 * LoopPortal portal = NettyPortals.wrap(channel.eventLoop());
 * FromSync.callIn(portal, () -> channel.isActive());    // runs on the channel's loop
 * }</pre>
 *
 * @since 0.1
 */
public final class NettyPortals {

  /** How long shutdown waits for each unfinished shutdown call before cancelling it. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = AbstractLoopPortal.DEFAULT_SHUTDOWN_GRACE;

  /** The live portal of each Netty executor: wraps of users' loops, and started owned loops. */
  private static final ConcurrentHashMap<EventExecutor, NettyLoopPortal> PORTALS =
      new ConcurrentHashMap<>();

  private NettyPortals() {}

  /**
   * A portal that runs calls on {@code loop}, an event loop (or any single-thread {@link
   * EventExecutor}) the caller owns. Wrapping the same executor again returns the same portal until
   * that portal is shut down. Shutting the portal down runs its shutdown calls and stops it taking
   * calls, but leaves {@code loop} running: it is still the caller's. When {@code loop} terminates,
   * the portal shuts down too, and calls still queued on it are cancelled.
   *
   * @param loop the Netty executor, such as {@code channel.eventLoop()}
   * @return the portal, started
   */
  public static LoopPortal wrap(EventExecutor loop) {
    if (loop == null) {
      throw new NullPointerException("loop");
    }
    while (true) {
      NettyLoopPortal existing = PORTALS.get(loop);
      if (existing != null && !existing.isShutdown()) {
        existing.start();
        return existing;
      }
      NettyLoopPortal fresh =
          new NettyLoopPortal(
              PortalOptions.defaults(),
              "NettyEventLoop",
              NettyLoop.wrapping(loop),
              DEFAULT_SHUTDOWN_GRACE);
      boolean won =
          existing == null
              ? PORTALS.putIfAbsent(loop, fresh) == null
              : PORTALS.replace(loop, existing, fresh);
      if (won) {
        // The portal goes when the user's loop goes, so dead loops are not kept.
        loop.terminationFuture().addListener(f -> fresh.shutdown());
        fresh.start();
        return fresh;
      }
    }
  }

  /**
   * A new loop portal on a Netty NIO event loop of its own (one thread, named after the portal).
   * The Netty loop is made when the portal starts; channels can be registered on {@link #executorOf
   * its executor}.
   *
   * @param options name, daemon flag, run-once
   * @return the loop, not started
   */
  public static LoopPortal newLoop(PortalOptions options) {
    return newLoop(options, DEFAULT_SHUTDOWN_GRACE);
  }

  /**
   * Like {@link #newLoop(PortalOptions)}, with the time each shutdown call may take at shutdown
   * before it is cancelled.
   *
   * @param options name, daemon flag, run-once
   * @param shutdownGrace the bound per shutdown call
   * @return the loop, not started
   */
  public static LoopPortal newLoop(PortalOptions options, Duration shutdownGrace) {
    if (options == null) {
      throw new NullPointerException("options");
    }
    return new NettyLoopPortal(
        options, "EventLoopThread", NettyLoop.owned(options.daemon()), shutdownGrace);
  }

  /**
   * The Netty executor behind a portal of this module (made now for a loop that has not started).
   *
   * @param portal a portal from {@link #wrap} or the {@code netty} provider
   * @return its executor
   * @throws IllegalArgumentException if the portal is not a Netty portal
   */
  public static EventExecutor executorOf(LoopPortal portal) {
    if (portal instanceof NettyLoopPortal) {
      return ((NettyLoopPortal) portal).executor();
    }
    throw new IllegalArgumentException(portal + " is not a Netty loop portal");
  }

  /** The live portal of the Netty loop running the current thread, if there is one. */
  static Optional<LoopPortal> currentLoop() {
    EventExecutor executor = ThreadExecutorMap.currentExecutor();
    return executor == null ? Optional.empty() : Optional.ofNullable(PORTALS.get(executor));
  }

  /** A started owned loop: make it findable from its thread. */
  static void remember(NettyLoopPortal portal, EventExecutor executor) {
    PORTALS.putIfAbsent(executor, portal);
  }

  static void forget(NettyLoopPortal portal) {
    PORTALS.values().remove(portal);
  }
}

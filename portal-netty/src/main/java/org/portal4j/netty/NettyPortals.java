package org.portal4j.netty;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;

/**
 * Portals over Netty event loops, including loops the user already has.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
 * LoopPortal portal = NettyPortals.wrap(channel.eventLoop());
 * FromSync.callIn(portal, () -> channel.isActive());    // runs on the channel's loop
 * }</pre>
 */
public final class NettyPortals {

  /** How long shutdown waits for each unfinished shutdown call before cancelling it. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private static final AtomicInteger GENERATED_NAMES = new AtomicInteger();
  private static final ConcurrentHashMap<EventExecutor, NettyLoopPortal> WRAPPED =
      new ConcurrentHashMap<>();

  private NettyPortals() {}

  /**
   * A portal that runs calls on {@code loop}, an event loop (or any single-thread {@link
   * EventExecutor}) the caller owns. Wrapping the same executor again returns the same portal until
   * that portal is shut down. Shutting the portal down runs its shutdown calls and stops it taking
   * calls, but leaves {@code loop} running: it is still the caller's.
   *
   * @param loop the Netty executor, such as {@code channel.eventLoop()}
   * @return the portal, started
   */
  public static LoopPortal wrap(EventExecutor loop) {
    if (loop == null) {
      throw new NullPointerException("loop");
    }
    NettyLoopPortal portal =
        WRAPPED.computeIfAbsent(
            loop,
            executor -> {
              // Forget the portal when the user's loop ends, so dead loops are not kept.
              executor.terminationFuture().addListener(f -> WRAPPED.remove(executor));
              return new NettyLoopPortal(
                  "NettyEventLoop-" + GENERATED_NAMES.incrementAndGet(),
                  false,
                  executor,
                  null,
                  null,
                  DEFAULT_SHUTDOWN_GRACE);
            });
    portal.start();
    return portal;
  }

  /**
   * A new event loop on a single-thread Netty NIO group of its own, thread named after the portal.
   * Channels can be registered on {@link #executorOf its executor}.
   *
   * @param options name and daemon flag
   * @return the loop, not started
   */
  public static LoopPortal newLoop(PortalOptions options) {
    return newLoop(options, DEFAULT_SHUTDOWN_GRACE);
  }

  /**
   * Like {@link #newLoop(PortalOptions)}, with the time each shutdown call may take at shutdown
   * before it is cancelled.
   *
   * @param options name and daemon flag
   * @param shutdownGrace the bound per shutdown call
   * @return the loop, not started
   */
  public static LoopPortal newLoop(PortalOptions options, Duration shutdownGrace) {
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      throw new IllegalArgumentException(
          "shutdownGrace must be zero or positive: " + shutdownGrace);
    }
    String name =
        options.name() != null
            ? options.name()
            : "EventLoopThread-" + GENERATED_NAMES.incrementAndGet();
    boolean daemon = options.daemon();
    AtomicReference<Thread> made = new AtomicReference<>();
    ThreadFactory threads =
        task -> {
          Thread thread = new FastThreadLocalThread(task, name);
          thread.setDaemon(daemon);
          made.set(thread); // so awaitTermination can wait for its exit
          return thread;
        };
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, threads, NioIoHandler.newFactory());
    return new NettyLoopPortal(name, daemon, group.next(), group, made, shutdownGrace);
  }

  /**
   * The Netty executor behind a portal of this module.
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

  /** The portal of the Netty loop running the current thread, wrapping it on first use. */
  static Optional<LoopPortal> currentLoop() {
    EventExecutor executor = ThreadExecutorMap.currentExecutor();
    return executor == null ? Optional.empty() : Optional.of(wrap(executor));
  }

  static void forget(NettyLoopPortal portal) {
    WRAPPED.remove(portal.executor(), portal);
  }
}

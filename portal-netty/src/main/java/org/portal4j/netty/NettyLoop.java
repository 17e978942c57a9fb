package org.portal4j.netty;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.portal4j.spi.support.Deadline;

/**
 * The Netty executor of one {@link NettyLoopPortal}: a user's loop, or a single-thread NIO group of
 * the portal's own, made at the first task (so an unstarted portal holds no selector) and shut down
 * by {@link #release}. As an {@link Executor} it hands tasks to that Netty loop.
 */
final class NettyLoop implements Executor {

  private final EventExecutor wrapped; // a user's loop, or null when the portal owns one
  private final boolean daemon;
  private volatile String threadName; // set by the portal before its first task
  private final AtomicReference<MultiThreadIoEventLoopGroup> group = new AtomicReference<>();

  private volatile Thread thread;
  private volatile boolean released;

  private NettyLoop(EventExecutor wrapped, boolean daemon) {
    this.wrapped = wrapped;
    this.daemon = daemon;
  }

  /** A user's loop, which stays the user's. */
  static NettyLoop wrapping(EventExecutor loop) {
    return new NettyLoop(loop, false);
  }

  /** A loop of the portal's own, with one thread named after the portal. */
  static NettyLoop owned(boolean daemon) {
    return new NettyLoop(null, daemon);
  }

  /** Names the thread of an owned loop; the portal calls it once, when it is made. */
  void nameThread(String name) {
    this.threadName = name;
  }

  /** The thread of an owned loop, once Netty made it; null for a user's loop. */
  Thread thread() {
    return thread;
  }

  boolean isMade() {
    return wrapped != null || group.get() != null;
  }

  EventExecutor executor() {
    if (wrapped != null) {
      return wrapped;
    }
    MultiThreadIoEventLoopGroup g = group.get();
    if (g == null) {
      if (released) {
        throw new RejectedExecutionException("The Netty loop " + threadName + " was released");
      }
      MultiThreadIoEventLoopGroup fresh =
          new MultiThreadIoEventLoopGroup(
              1,
              task -> {
                Thread t = new FastThreadLocalThread(task, threadName);
                t.setDaemon(daemon);
                thread = t; // so awaitExit can wait for it
                return t;
              },
              NioIoHandler.newFactory());
      if (!group.compareAndSet(null, fresh)) {
        fresh.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS); // lost the race; it ran nothing
      } else if (released) {
        fresh.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS); // released while we made it
        throw new RejectedExecutionException("The Netty loop " + threadName + " was released");
      }
      g = group.get();
    }
    return g.next();
  }

  @Override
  public void execute(Runnable task) {
    executor().execute(task);
  }

  /** The portal terminated: shut down an owned group (a user's loop is left alone). */
  void release(Duration grace) {
    released = true;
    MultiThreadIoEventLoopGroup g = group.get();
    if (g != null) {
      g.shutdownGracefully(0, Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** Waits until an owned group has terminated and its thread exited. */
  boolean awaitExit(Deadline deadline) throws InterruptedException {
    MultiThreadIoEventLoopGroup g = group.get();
    if (g == null) {
      return true; // a user's loop goes on; or none was ever made
    }
    boolean ended =
        deadline.isNever()
            ? g.terminationFuture().await(Long.MAX_VALUE)
            : g.terminationFuture()
                .await(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    if (!ended) {
      return false;
    }
    Thread t = thread;
    return t == null || t == Thread.currentThread() || deadline.join(t);
  }
}

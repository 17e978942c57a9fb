package org.portal4j.netty;

import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.portal4j.spi.support.Deadline;

/**
 * The Netty executor of one {@link NettyLoopPortal}: a user's loop, or a single-thread NIO event
 * loop of the portal's own, made at the first task (so an unstarted portal holds no selector) and
 * shut down by {@link #release}. As an {@link Executor} it hands tasks to that Netty loop.
 *
 * <p>An owned loop is a bare {@link SingleThreadIoEventLoop}, not a one-thread group: a group
 * listens for its children's termination, and Netty runs those listeners on its {@code
 * GlobalEventExecutor}, whose thread is not a daemon and lingers for a quiet period of about a
 * second. A program that shut a loop down would wait that long to exit. Nothing here adds a
 * listener to the loop's termination future (it is only awaited), so that thread never starts.
 *
 * <p>An owned loop looks again for tasks before it blocks in its selector ({@link SpinThenSelect});
 * a user's loop keeps the user's strategy.
 */
final class NettyLoop implements Executor {

  private final @Nullable EventExecutor wrapped; // a user's loop, or null when the portal owns one
  private final boolean daemon;
  private volatile @Nullable String threadName; // set by the portal before its first task
  private final AtomicReference<@Nullable SingleThreadIoEventLoop> owned = new AtomicReference<>();

  private volatile @Nullable Thread thread;
  private volatile boolean released;

  private NettyLoop(@Nullable EventExecutor wrapped, boolean daemon) {
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
  @Nullable Thread thread() {
    return thread;
  }

  boolean isMade() {
    return wrapped != null || owned.get() != null;
  }

  EventExecutor executor() {
    if (wrapped != null) {
      return wrapped;
    }
    SingleThreadIoEventLoop loop = owned.get();
    if (loop == null) {
      if (released) {
        throw new RejectedExecutionException("The Netty loop " + threadName + " was released");
      }
      SingleThreadIoEventLoop fresh =
          new SingleThreadIoEventLoop(
              null, // no group: see the class comment
              task -> {
                Thread t =
                    new FastThreadLocalThread(
                        task, Objects.requireNonNull(threadName, "threadName"));
                t.setDaemon(daemon);
                thread = t; // so awaitExit can wait for it
                return t;
              },
              NioIoHandler.newFactory(SelectorProvider.provider(), SpinThenSelect.FACTORY));
      if (!owned.compareAndSet(null, fresh)) {
        fresh.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS); // lost the race; it ran nothing
      } else if (released) {
        fresh.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS); // released while we made it
        throw new RejectedExecutionException("The Netty loop " + threadName + " was released");
      }
      loop = Objects.requireNonNull(owned.get(), "owned"); // ours or the racer's: never unset
    }
    return loop;
  }

  @Override
  public void execute(Runnable task) {
    executor().execute(task);
  }

  /** The portal terminated: shut down an owned loop (a user's loop is left alone). */
  void release(Duration grace) {
    released = true;
    SingleThreadIoEventLoop loop = owned.get();
    if (loop != null) {
      loop.shutdownGracefully(0, Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
    }
  }

  /** Waits until an owned loop has terminated and its thread exited. */
  boolean awaitExit(Deadline deadline) throws InterruptedException {
    SingleThreadIoEventLoop loop = owned.get();
    if (loop == null) {
      return true; // a user's loop goes on; or none was ever made
    }
    boolean ended =
        deadline.isNever()
            ? loop.terminationFuture().await(Long.MAX_VALUE)
            : loop.terminationFuture()
                .await(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    if (!ended) {
      return false;
    }
    Thread t = thread;
    return t == null || t == Thread.currentThread() || deadline.join(t);
  }
}

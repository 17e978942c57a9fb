package org.portal4j.benchmarks;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.core.EventLoopPortal;
import org.portal4j.netty.NettyPortals;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The single-thread loops the loop shapes hand work to, one JMH state each: a benchmark method
 * names the loop it uses as a parameter, so a trial starts only that loop. Each is made and started
 * once per trial and stopped at its tear-down, which fails the trial if the loop's thread does not
 * end: a fork never outlives its benchmark because of a loop left running.
 */
public final class Loops {

  private Loops() {}

  static void awaitStopped(boolean stopped, Object what) {
    if (!stopped) {
      throw new IllegalStateException(what + " did not stop within " + Work.STOP_WAIT);
    }
  }

  private static void stop(EventExecutorGroup group) throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    awaitStopped(group.awaitTermination(Work.STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS), group);
  }

  /** portal4j's platform backend: an {@link EventLoopPortal} on a platform thread of its own. */
  @State(Scope.Benchmark)
  public static class Portal4jPlatform {
    public LoopPortal loop;

    @Setup(Level.Trial)
    public void start() {
      loop = new EventLoopPortal(PortalOptions.builder().name("bench-platform-loop").build());
      loop.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      loop.shutdown();
      awaitStopped(loop.awaitTermination(Work.STOP_WAIT), loop);
    }
  }

  /** portal4j's Netty backend: a loop on a single-thread Netty NIO group of its own. */
  @State(Scope.Benchmark)
  public static class Portal4jNetty {
    public LoopPortal loop;

    @Setup(Level.Trial)
    public void start() {
      loop = NettyPortals.newLoop(PortalOptions.builder().name("bench-netty-loop").build());
      loop.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      loop.shutdown();
      awaitStopped(loop.awaitTermination(Work.STOP_WAIT), loop);
    }
  }

  /**
   * portal4j's global loop, the target of {@code FromSync.callInLoopThread}, on the backend that
   * {@code -Dportal4j.loop} names: each value of {@link #loopBackend} runs in a fork of its own.
   */
  @State(Scope.Benchmark)
  public static class Portal4jGlobal {
    @Param({"platform", "netty"})
    public String loopBackend;

    @Setup(Level.Trial)
    public void start() {
      BackendChoice.require(org.portal4j.spi.PortalKind.LOOP, loopBackend);
      Portals.globalLoop();
    }

    @TearDown(Level.Trial)
    public void stop() {
      Portals.waitForGlobalLoopExit(Work.STOP_WAIT);
    }
  }

  /** The JDK: {@link Executors#newSingleThreadExecutor()}. */
  @State(Scope.Benchmark)
  public static class JdkSingle {
    public ExecutorService executor;

    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newSingleThreadExecutor();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      executor.shutdown();
      awaitStopped(
          executor.awaitTermination(Work.STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS), executor);
    }
  }

  /** Netty's {@link DefaultEventLoop}: a task loop on a blocking queue, no selector. */
  @State(Scope.Benchmark)
  public static class NettyDefault {
    public DefaultEventLoop loop;

    @Setup(Level.Trial)
    public void start() {
      loop = new DefaultEventLoop();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Loops.stop(loop);
    }
  }

  /**
   * Netty's NIO event loop, the 4.2 way: one loop of a {@link MultiThreadIoEventLoopGroup} with an
   * {@link NioIoHandler} (an MPSC task queue; a submitter wakes the selector only when it sleeps).
   */
  @State(Scope.Benchmark)
  public static class NettyNio {
    public MultiThreadIoEventLoopGroup group;
    public EventLoop loop;

    @Setup(Level.Trial)
    public void start() {
      group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      loop = group.next();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Loops.stop(group);
    }
  }

  /**
   * Vert.x 5: an event-loop {@link Context}, for {@code runOnContext} and {@code executeBlocking}.
   */
  @State(Scope.Benchmark)
  public static class VertxContext {
    public Vertx vertx;
    public Context context;

    @Setup(Level.Trial)
    public void start() {
      vertx = Vertx.vertx();
      context = vertx.getOrCreateContext();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Reactor: a single-thread scheduler of the same kind as {@code Schedulers.single()}, made for
   * the trial so that it can be disposed at its end.
   */
  @State(Scope.Benchmark)
  public static class ReactorSingle {
    public Scheduler scheduler;
    private TrackedThreads threads;

    @Setup(Level.Trial)
    public void start() {
      threads = new TrackedThreads("bench-reactor-single");
      scheduler = Schedulers.newSingle(threads);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      scheduler.dispose();
      threads.awaitEnded();
    }
  }
}

package org.portal4j.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.Waiters;
import org.portal4j.spi.PortalKind;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class NettyBackendTest {

  @Test
  void nettyWinsTheLoopKindByPriority() {
    assertEquals(
        Map.of(PortalKind.WORKER, "platform", PortalKind.LOOP, "netty"), Portals.backends());
  }

  @Test
  void theGlobalLoopIsANettyEventLoop() {
    String thread =
        FromSync.callInLoopThread(
            () -> {
              assertNotNull(ThreadExecutorMap.currentExecutor(), "on a Netty executor thread");
              return Thread.currentThread().getName();
            });
    assertEquals("GlobalEventLoopThread", thread);
    assertTrue(Portals.globalLoop() instanceof NettyLoopPortal);
  }

  @Test
  void aGlobalLoopThatExitedIsReplacedByANewWorkingNettyLoop() throws Exception {
    LoopPortal first = Portals.globalLoop();
    Thread firstThread = first.submit(Thread::currentThread).result(Duration.ofSeconds(10));
    Portals.waitForGlobalLoopExit(Duration.ofSeconds(10));
    assertTrue(first.awaitTermination(Duration.ofSeconds(10)));
    assertFalse(firstThread.isAlive(), "the Netty thread of the old global loop is alive");

    LoopPortal second = Portals.globalLoop();

    assertTrue(second != first, "the terminated global loop was handed out again");
    assertTrue(second instanceof NettyLoopPortal);
    assertEquals("works", second.submit(() -> "works").result(Duration.ofSeconds(10)));
  }

  @Test
  void aNewEventLoopThreadRunsAThousandAsyncCallsAtOnce() throws Exception {
    LoopPortal loop = Portals.newEventLoopThread(PortalOptions.builder().name("many").build());
    try {
      List<CompletableFuture<Integer>> stages = new ArrayList<>();
      List<Call<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        CompletableFuture<Integer> stage = new CompletableFuture<>();
        stages.add(stage);
        calls.add(loop.submit(Call.ofAsync(() -> stage)));
      }
      for (int i = 0; i < 1000; i++) {
        stages.get(i).complete(i);
      }
      for (int i = 0; i < 1000; i++) {
        assertEquals(i, calls.get(i).result(Duration.ofSeconds(10)));
      }
    } finally {
      loop.shutdown();
      assertTrue(loop.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  @Test
  void wrapRunsCallsOnAChannelsOwnLoopAndCurrentLoopRecognisesItOnceWrapped() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    try {
      CompletableFuture<Optional<LoopPortal>> seenInHandler = new CompletableFuture<>();
      CompletableFuture<Channel> accepted = new CompletableFuture<>();
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                      seenInHandler.complete(Portals.currentLoop());
                      accepted.complete(ctx.channel());
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      Channel client =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(new ChannelInboundHandlerAdapter())
              .connect(server.localAddress())
              .sync()
              .channel();
      Channel child = accepted.get(10, TimeUnit.SECONDS);
      assertTrue(
          seenInHandler.get(10, TimeUnit.SECONDS).isEmpty(),
          "an unwrapped Netty loop is no portal: the query must not make one");
      LoopPortal portal = NettyPortals.wrap(child.eventLoop());

      CompletableFuture<Optional<LoopPortal>> seenAfterWrap = new CompletableFuture<>();
      child.eventLoop().execute(() -> seenAfterWrap.complete(Portals.currentLoop()));
      assertSame(portal, seenAfterWrap.get(10, TimeUnit.SECONDS).orElseThrow());
      assertTrue(
          FromSync.callIn(portal, () -> child.eventLoop().inEventLoop() && child.isActive()));
      assertSame(
          portal, NettyPortals.wrap(child.eventLoop()), "wrapping again gives the same portal");

      client.close().sync();
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void anAsyncWaiterAwaitedOnAWrappedNettyLoopRunsItsCallbacksOnThatLoop() throws Exception {
    DefaultEventLoop userLoop = new DefaultEventLoop();
    NettyPortals.wrap(userLoop);
    try {
      CompletableFuture<Thread> callbackThread = new CompletableFuture<>();
      CompletableFuture<Thread> loopThread = new CompletableFuture<>();
      userLoop.execute(
          () -> {
            loopThread.complete(Thread.currentThread());
            Call<String> call =
                Call.of(
                    () ->
                        Waiters.current()
                            .orElseThrow()
                            .submit(Call.of(() -> callbackThread.complete(Thread.currentThread())))
                            .result()
                            .toString());
            AsyncWaiter<String> waiter = Waiters.async(call);
            FromSync.callSoonInNewThread(call);
            waiter.awaitAsync();
          });
      assertSame(loopThread.get(10, TimeUnit.SECONDS), callbackThread.get(10, TimeUnit.SECONDS));
    } finally {
      userLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void aBlockingWaitThatCouldOnlyFinishOnThisNettyLoopFailsFast() throws Exception {
    DefaultEventLoop userLoop = new DefaultEventLoop();
    try {
      LoopPortal portal = NettyPortals.wrap(userLoop);
      Throwable failure =
          FromSync.callIn(
              portal,
              () -> {
                Call<String> queuedBehindUs = portal.submit(Call.of("behind", () -> "never"));
                return assertThrows(IllegalStateException.class, queuedBehindUs::result);
              });
      assertTrue(failure.getMessage().contains("behind"), failure.getMessage());
    } finally {
      userLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void shutdownIsGracefulAndBoundedByTheGrace() throws Exception {
    LoopPortal loop =
        NettyPortals.newLoop(
            PortalOptions.builder().name("bounded").build(), Duration.ofMillis(300));
    Call<Object> stuck = Call.ofAsync("stuck", CompletableFuture::new);
    Call<String> queued = loop.submit(Call.of(() -> "ran"));
    loop.addShutdownCall(stuck);
    long start = System.nanoTime();
    loop.shutdown();
    assertTrue(loop.awaitTermination(Duration.ofSeconds(10)));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(9)) < 0);
    assertEquals("ran", queued.result());
    assertTrue(stuck.isCancelled(), "an unfinished shutdown call is cancelled at the grace");
  }

  @Test
  void shuttingDownAWrappedPortalLeavesTheUsersLoopRunning() throws Exception {
    DefaultEventLoop userLoop = new DefaultEventLoop();
    try {
      LoopPortal portal = NettyPortals.wrap(userLoop);
      portal.shutdown();
      assertTrue(portal.awaitTermination(Duration.ofSeconds(10)));
      assertFalse(userLoop.isShuttingDown());
      assertEquals("still mine", userLoop.submit(() -> "still mine").get(10, TimeUnit.SECONDS));
      assertTrue(NettyPortals.wrap(userLoop) != portal, "a fresh portal after the old one ended");
    } finally {
      userLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}

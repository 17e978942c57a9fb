package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.LoopPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Portals": queries have no side effects, {@code Portals.currentLoop()} never creates or
 * starts a loop. With the Netty backend on the class path but the loop backend forced to {@code
 * platform}, asking on the thread of a plain Netty loop that no portal wraps must neither wrap it
 * nor hand it any task. In package {@code org.portal4j.core} to build a runtime with its own
 * properties; listed in this module's surefire includes.
 */
@CheckThreadLeaks
@Timeout(60)
class CurrentLoopOnNettyThreadTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A plain Netty loop that counts the tasks handed to it. */
  static final class CountingLoop extends DefaultEventLoop {
    final AtomicInteger executed = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      executed.incrementAndGet();
      super.execute(task);
    }
  }

  private final CountingLoop nettyLoop = new CountingLoop();

  @AfterEach
  void shutDownTheNettyLoop() throws InterruptedException {
    nettyLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    assertTrue(nettyLoop.terminationFuture().await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
  }

  @Test
  void currentLoopOnAPlainNettyThreadWithThePlatformLoopBackendCreatesAndSubmitsNothing()
      throws Exception {
    CoreRuntime runtime =
        new CoreRuntime(
            new Backends(
                () ->
                    ServiceLoader.load(PortalProvider.class, getClass().getClassLoader())
                        .iterator(),
                property -> property.equals("portal4j.loop") ? "platform" : null));
    assertEquals("platform", runtime.portals().backends().get(PortalKind.LOOP));

    int[] executedAround = new int[2];
    Optional<LoopPortal> answer =
        nettyLoop
            .submit(
                () -> {
                  executedAround[0] = nettyLoop.executed.get();
                  Optional<LoopPortal> found = runtime.portals().currentLoop();
                  executedAround[1] = nettyLoop.executed.get();
                  return found;
                })
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

    assertEquals(
        executedAround[0], executedAround[1], "currentLoop() handed tasks to the Netty loop");
    assertEquals(0, nettyLoop.pendingTasks(), "tasks left queued on the Netty loop");
    assertEquals(Optional.empty(), answer, "a plain Netty thread is no platform loop");
  }
}

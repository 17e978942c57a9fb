package org.portal4j.netty;

import java.time.Duration;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;

/**
 * A program that uses the Netty backend as users do, then returns from {@code main}: a call on the
 * global loop, and a loop of its own that it shuts down and waits for. The last line it prints is
 * {@value #RETURNS_AT} and the wall-clock time, so that {@link NettyExitTest} can tell how long the
 * JVM took to exit after {@code main} returned.
 */
public final class NettyExitMain {

  static final String RETURNS_AT = "main returns at ";

  private NettyExitMain() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("backends " + Portals.backends());
    FromSync.callInLoopThread(() -> "on the global loop");
    LoopPortal loop = Portals.newEventLoopThread();
    loop.submit(() -> "on a loop of its own").result();
    loop.shutdown();
    if (!loop.awaitTermination(Duration.ofSeconds(30))) {
      throw new AssertionError(loop + " did not terminate");
    }
    System.out.println(RETURNS_AT + System.currentTimeMillis());
  }
}

package org.portal4j.core;

import java.util.concurrent.CountDownLatch;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;

/**
 * Run in a child JVM by {@link JvmExitTest}: leaves work behind in a portal and lets the JVM exit.
 * The first argument is the case:
 *
 * <ul>
 *   <li>{@code global-loop-queued}: a call blocks the global loop, {@value #QUEUED} calls wait
 *       behind it; main returns.
 *   <li>{@code global-loop-shutdown-call}: the global loop has a shutdown call; main returns.
 *   <li>{@code daemon-worker-queued}: a call blocks a daemon worker named {@value #DAEMON_WORKER},
 *       {@value #QUEUED} calls wait behind it; main returns.
 *   <li>{@code exit-on-global-loop}: a call on the global loop queues {@value #QUEUED} calls behind
 *       itself and calls {@code System.exit(0)}; it prints {@code exit-called-at=<epoch millis>}
 *       just before.
 * </ul>
 *
 * Each queued call that runs prints {@code ran queued-<i>} (or {@code ran item-<i>}); the shutdown
 * call prints {@value #SHUTDOWN_CALL_RAN}.
 */
public final class JvmExitMain {

  static final int QUEUED = 7;
  static final String DAEMON_WORKER = "exit-daemon-worker";
  static final String SHUTDOWN_CALL_RAN = "global loop shutdown call ran";
  static final String EXIT_CALLED_AT = "exit-called-at=";

  private JvmExitMain() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "global-loop-queued" -> queueBehindABlocker(Portals.globalLoop());
      case "global-loop-shutdown-call" -> {
        LoopPortal global = Portals.globalLoop();
        global.addShutdownCall(Call.of("print-at-shutdown", () -> print(SHUTDOWN_CALL_RAN)));
        global.submit(() -> "running").result();
      }
      case "daemon-worker-queued" -> {
        WorkerPortal worker =
            Portals.newWorkerThread(
                PortalOptions.builder().name(DAEMON_WORKER).daemon(true).build());
        queueBehindABlocker(worker);
      }
      case "exit-on-global-loop" -> exitOnTheGlobalLoop();
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("main returns");
  }

  /** One call that never ends by itself, then {@value #QUEUED} calls that print when they run. */
  private static void queueBehindABlocker(WorkerPortal portal) throws InterruptedException {
    CountDownLatch blocking = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    portal.submit(
        Call.of(
            "blocker",
            () -> {
              blocking.countDown();
              never.await();
              return null;
            }));
    blocking.await();
    for (int i = 0; i < QUEUED; i++) {
      String name = "queued-" + i;
      portal.submit(Call.of(name, () -> print("ran " + name)));
    }
  }

  private static void exitOnTheGlobalLoop() throws InterruptedException {
    LoopPortal loop = Portals.globalLoop();
    loop.submit(
        Call.of(
            "exit-on-the-loop",
            () -> {
              for (int i = 0; i < QUEUED; i++) {
                String name = "item-" + i;
                loop.submit(Call.of(name, () -> print("ran " + name))); // behind this call
              }
              print(EXIT_CALLED_AT + System.currentTimeMillis());
              System.exit(0);
              return null;
            }));
    new CountDownLatch(1).await(); // the exit ends the JVM
  }

  private static Void print(String line) {
    System.out.println(line);
    return null;
  }
}

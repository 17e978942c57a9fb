package org.portal4j.virtual;

import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;

/**
 * Run in a child JVM by {@link VirtualDaemonTest}: prints {@code backends=<map>}, hands calls to a
 * worker and returns from main without waiting for them. The first argument is the case:
 *
 * <ul>
 *   <li>{@code worker}: a default (non-daemon) worker gets a call that sleeps {@value
 *       #SLEEP_MILLIS} ms and prints {@value #RUNNING_MARKER}, and a queued call that prints
 *       {@value #QUEUED_MARKER}; the worker is shut down (which does not wait) before main returns.
 *   <li>{@code callSoonInNewThread}: {@code FromSync.callSoonInNewThread} gets the sleeping call.
 *   <li>{@code daemon-worker}: a daemon worker gets a call that sleeps {@value
 *       #DAEMON_SLEEP_MILLIS} ms and prints {@value #RUNNING_MARKER}.
 * </ul>
 */
public final class NonDaemonExitMain {

  static final long SLEEP_MILLIS = 300;
  static final long DAEMON_SLEEP_MILLIS = 60_000;
  static final String RUNNING_MARKER = "the running call finished";
  static final String QUEUED_MARKER = "the queued call ran";

  private NonDaemonExitMain() {}

  public static void main(String[] args) {
    System.out.println("backends=" + Portals.backends());
    switch (args[0]) {
      case "worker" -> {
        WorkerPortal worker = Portals.newWorkerThread();
        worker.submit(sleepingCall(SLEEP_MILLIS));
        worker.submit(Call.of(() -> print(QUEUED_MARKER)));
        worker.shutdown(); // no wait: queued calls still run
      }
      case "callSoonInNewThread" -> FromSync.callSoonInNewThread(sleepingCall(SLEEP_MILLIS));
      case "daemon-worker" ->
          Portals.newWorkerThread(PortalOptions.builder().daemon(true).build())
              .submit(sleepingCall(DAEMON_SLEEP_MILLIS));
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println("main returns");
  }

  private static Call<Void> sleepingCall(long millis) {
    return Call.of(
        "sleeps-then-prints",
        () -> {
          Thread.sleep(millis);
          return print(RUNNING_MARKER);
        });
  }

  private static Void print(String line) {
    System.out.println(line);
    return null;
  }
}

package org.portal4j.examples;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import org.portal4j.Call;
import org.portal4j.DeadlockException;
import org.portal4j.Diagnostics;
import org.portal4j.FromSync;
import org.portal4j.InFlightCall;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;

/**
 * Seeing inside: a query stuck on a worker with another queued behind it and a request thread
 * waiting for it, a loop with an async call awaiting its reply; {@link Diagnostics#dump()} shows it
 * all, with the stuck thread's stack. The watchdog then warns about the stuck query on the log.
 * Last, two workers that would wait for each other: the wait that would close the cycle is refused
 * with a {@link DeadlockException} that names it. docs/diagnostics.md shows what this prints.
 */
public final class DiagnosticsDemo {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private DiagnosticsDemo() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch databaseAnswers = new CountDownLatch(1);
    CompletableFuture<String> reply = new CompletableFuture<>();
    WorkerPortal db = Portals.newWorkerThread(PortalOptions.builder().name("db-worker").build());
    LoopPortal events = Portals.newEventLoopThread(PortalOptions.builder().name("events").build());
    try {
      Call<String> slowQuery =
          Call.of("slowQuery", () -> query(databaseAnswers)).setTimeout(Duration.ofMinutes(1));
      Thread request = new Thread(() -> FromSync.callIn(db, slowQuery, null), "request-handler-1");
      request.start();
      awaitInFlight(
          c ->
              c.call() == slowQuery
                  && c.state() == InFlightCall.State.RUNNING
                  && !c.waitingThreads().isEmpty());
      db.submit(Call.of("nextQuery", () -> "rows")); // queued behind the stuck one
      Call<String> awaitReply = events.submit(Call.ofAsync("awaitReply", () -> reply));
      awaitInFlight(c -> c.call() == awaitReply && c.state() == InFlightCall.State.AWAITING_STAGE);
      System.out.println(Diagnostics.dump());

      Diagnostics.watchdog(Duration.ofMillis(200));
      // The watchdog logs its WARN (stderr) once the query has run past 200 ms.
      awaitInFlight(c -> c.call() == slowQuery && c.age().toMillis() >= 400);
      Diagnostics.watchdog(null);

      databaseAnswers.countDown();
      reply.complete("pong");
      request.join(WAIT.toMillis());
      System.out.println("slowQuery: " + slowQuery.result());
    } finally {
      databaseAnswers.countDown();
      db.shutdown();
      events.shutdown();
    }
    deadlock();
  }

  private static String query(CountDownLatch answers) throws InterruptedException {
    answers.await(); // the database that does not answer
    return "42 rows";
  }

  /** orders waits for a call on billing, which waits for one on orders: refused, not hung. */
  private static void deadlock() throws InterruptedException {
    WorkerPortal orders = Portals.newWorkerThread(PortalOptions.builder().name("orders").build());
    WorkerPortal billing = Portals.newWorkerThread(PortalOptions.builder().name("billing").build());
    try {
      Call<String> charge =
          Call.of(
              "charge",
              () -> {
                // Let orders block on us first, so that the cycle closes here, the same way each
                // run.
                awaitInFlight(c -> c.name().equals("charge") && !c.waitingThreads().isEmpty());
                return FromSync.callIn(orders, Call.of("reserveStock", () -> "reserved"), null);
              });
      Call<String> placeOrder =
          orders.submit(Call.of("placeOrder", () -> FromSync.callIn(billing, charge, null)));
      try {
        placeOrder.result();
      } catch (DeadlockException e) {
        System.out.println("placeOrder failed: " + e.getMessage());
      }
    } finally {
      orders.shutdown();
      billing.shutdown();
      orders.awaitTermination(WAIT);
      billing.awaitTermination(WAIT);
    }
  }

  private static void awaitInFlight(Predicate<InFlightCall> matcher) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (Diagnostics.inFlight().stream().noneMatch(matcher)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("Not seen within " + WAIT + ":\n" + Diagnostics.dump());
      }
      Thread.sleep(5);
    }
  }
}

package org.portal4j.examples;

import org.portal4j.Call;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;

/**
 * The scenario the project was created from, step by step:
 *
 * <ol>
 *   <li>the main thread submits a call to a worker thread;
 *   <li>the main thread waits for it with a waiter;
 *   <li>the call does some work on the worker thread;
 *   <li>the call needs something done on the main thread: it submits a callback to the waiter and
 *       waits for the callback's result;
 *   <li>the waiter, on the main thread, runs the callback;
 *   <li>the call finishes with the callback's answer, and the main thread gets the result.
 * </ol>
 */
public final class SeedScenarioDemo {

  private SeedScenarioDemo() {}

  public static void main(String[] args) throws Exception {
    say("backends chosen: " + Portals.backends());
    try (WorkerPortal worker = Portals.newWorkerThread()) {
      Call<String> call =
          Call.of(
              "work",
              () -> {
                say("the call is running; doing some work");
                Waiter<?> waiter = Waiters.current().orElseThrow();
                say("the call needs the main thread: submitting a callback to " + waiter.name());
                Call<String> callback =
                    waiter.submit(
                        Call.of(
                            "callback",
                            () -> {
                              say("the waiter runs the callback");
                              return "answer computed on " + Thread.currentThread().getName();
                            }));
                String answer = callback.result();
                say("the call got the callback's result: " + answer);
                return "done (" + answer + ")";
              });

      SyncWaiter<String> waiter = Waiters.sync(call);
      say("submitting the call to " + worker.name());
      worker.submit(call);
      say("waiting with a waiter, running callbacks meanwhile");
      String result = waiter.await().result();
      say("the call finished: " + result);
      worker.shutdown();
      worker.awaitTermination(java.time.Duration.ofSeconds(5));
    }
  }

  static void say(String what) {
    System.out.printf("[%-16s] %s%n", Thread.currentThread().getName(), what);
  }
}

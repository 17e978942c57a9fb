package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.Diagnostics;
import org.portal4j.FromSync;
import org.portal4j.InFlightCall;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * Diagnostics.inFlight() and dump(): a call blocked on a worker, on a loop or on a plain thread is
 * listed as running with its thread's stack; the calls queued behind it as queued, in order; an
 * async call whose stage is pending as awaiting it; the thread waiting for a call is named.
 */
@CheckThreadLeaks
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InFlightDumpTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final CountDownLatch release = new CountDownLatch(1);
  private final List<WorkerPortal> portals = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  @AfterEach
  void releaseEverything() throws InterruptedException {
    release.countDown();
    for (WorkerPortal portal : portals) {
      portal.shutdown();
    }
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal + " did not terminate");
    }
    for (Thread thread : threads) {
      thread.join(WAIT.toMillis());
    }
  }

  private static String unique(String name) {
    return name + "-" + System.nanoTime();
  }

  private Object blockUntilReleased() throws InterruptedException {
    release.await();
    return "released";
  }

  /** Waits until the snapshot has a call matching {@code matcher}, and returns it. */
  static InFlightCall awaitInFlight(Predicate<InFlightCall> matcher) {
    AtomicReference<InFlightCall> found = new AtomicReference<>();
    CallTestSupport.awaitCondition(
        () -> {
          Diagnostics.inFlight().stream().filter(matcher).findFirst().ifPresent(found::set);
          return found.get() != null;
        },
        "a matching call in flight");
    return found.get();
  }

  /** The call is running and its thread is parked in the test's blocking method. */
  static Predicate<InFlightCall> blockedIn(Call<?> call, String method) {
    return c ->
        c.call() == call
            && c.state() == InFlightCall.State.RUNNING
            && c.stack().stream().anyMatch(f -> f.getMethodName().equals(method));
  }

  @Test
  void aCallBlockedOnAWorkerIsListedRunningWithItsStackAndTheQueueBehindIt() throws Exception {
    WorkerPortal worker =
        Portals.newWorkerThread(PortalOptions.builder().name(unique("dump-worker")).build());
    portals.add(worker);
    Call<Object> blocked = worker.submit(Call.of("blocked-on-worker", this::blockUntilReleased));
    Call<String> next = worker.submit(Call.of("queued-next", () -> "next"));
    Call<String> last = worker.submit(Call.of("queued-last", () -> "last"));

    InFlightCall running = awaitInFlight(blockedIn(blocked, "blockUntilReleased"));
    assertEquals("blocked-on-worker", running.name());
    assertEquals(worker.name(), running.portal());
    assertEquals(worker.name(), running.thread().getName());
    assertNull(running.remaining());

    List<InFlightCall> ofWorker =
        Diagnostics.inFlight().stream().filter(c -> worker.name().equals(c.portal())).toList();
    assertEquals(List.of(blocked, next, last), ofWorker.stream().map(InFlightCall::call).toList());
    assertEquals(InFlightCall.State.QUEUED, ofWorker.get(1).state());
    assertNull(ofWorker.get(1).thread());
    assertTrue(ofWorker.get(1).stack().isEmpty());

    String dump = Diagnostics.dump();
    assertTrue(dump.startsWith("portal4j calls in flight: "), dump);
    assertTrue(dump.contains("\n\"" + worker.name() + "\"\n"), dump);
    assertTrue(dump.contains("  \"blocked-on-worker\" RUNNING for "), dump);
    assertTrue(dump.contains("      on \"" + worker.name() + "\" #"), dump);
    assertTrue(dump.contains(".blockUntilReleased(InFlightDumpTest.java:"), dump);
    assertTrue(dump.indexOf("\"queued-next\" QUEUED") < dump.indexOf("\"queued-last\" QUEUED"));
    assertTrue(dump.indexOf("blocked-on-worker") < dump.indexOf("queued-next"), dump);

    release.countDown();
    assertEquals("last", last.result());
    awaitGone(blocked);
  }

  @Test
  void aCallBlockedOnALoopIsListedWithItsDeadlineAndTheThreadWaitingForIt() throws Exception {
    LoopPortal loop =
        Portals.newEventLoopThread(PortalOptions.builder().name(unique("dump-loop")).build());
    portals.add(loop);
    Call<Object> blocked =
        Call.of("blocked-on-loop", this::blockUntilReleased).setTimeout(Duration.ofMinutes(5));
    CompletableFuture<Object> caller = new CompletableFuture<>();
    Thread waiting =
        new Thread(
            () -> {
              try {
                caller.complete(FromSync.callIn(loop, blocked, null));
              } catch (Throwable t) {
                caller.completeExceptionally(t);
              }
            },
            unique("dump-caller"));
    threads.add(waiting);
    waiting.start();

    InFlightCall running =
        awaitInFlight(
            blockedIn(blocked, "blockUntilReleased").and(c -> !c.waitingThreads().isEmpty()));
    assertEquals(loop.name(), running.portal());
    assertEquals(List.of(waiting), running.waitingThreads());
    assertTrue(running.remaining().compareTo(Duration.ofMinutes(4)) > 0, running.toString());
    assertTrue(running.remaining().compareTo(Duration.ofMinutes(5)) <= 0, running.toString());

    String dump = Diagnostics.dump();
    assertTrue(dump.contains("  \"blocked-on-loop\" RUNNING for "), dump);
    assertTrue(dump.contains(", deadline in 4 min"), dump);
    assertTrue(dump.contains("      waited for by: \"" + waiting.getName() + "\""), dump);

    release.countDown();
    assertEquals("released", caller.get());
  }

  @Test
  void aCallRunDirectlyOnAThreadIsListedWithoutAPortal() throws Exception {
    Call<Object> blocked = Call.of("run-directly", this::blockUntilReleased);
    Thread runner = new Thread(blocked::run, unique("direct-runner"));
    threads.add(runner);
    runner.start();

    InFlightCall running = awaitInFlight(blockedIn(blocked, "blockUntilReleased"));
    assertNull(running.portal());
    assertEquals(runner, running.thread());
    assertTrue(Diagnostics.dump().contains("\"(no portal: run directly)\"\n"));
    release.countDown();
    awaitGone(blocked);
  }

  @Test
  void aCallRunningInsideAnotherOnTheSameThreadIsListedWithIt() throws Exception {
    Call<Object> inner = Call.of("inner", this::blockUntilReleased);
    Call<Object> outer = Call.of("outer", () -> inner.run().toCompletableFuture().join());
    Thread runner = new Thread(outer::run, unique("nesting-runner"));
    threads.add(runner);
    runner.start();

    awaitInFlight(blockedIn(inner, "blockUntilReleased"));
    InFlightCall outside = awaitInFlight(blockedIn(outer, "blockUntilReleased"));
    assertEquals(runner, outside.thread());
    release.countDown();
    awaitGone(outer);
  }

  @Test
  void anAsyncCallWhoseStageIsPendingIsListedAsAwaitingIt() throws Exception {
    LoopPortal loop =
        Portals.newEventLoopThread(PortalOptions.builder().name(unique("dump-async")).build());
    portals.add(loop);
    CompletableFuture<String> stage = new CompletableFuture<>();
    Call<String> async = loop.submit(Call.ofAsync("awaiting", () -> stage));

    InFlightCall awaiting =
        awaitInFlight(c -> c.call() == async && c.state() == InFlightCall.State.AWAITING_STAGE);
    assertEquals(loop.name(), awaiting.portal());
    assertNull(awaiting.thread());
    assertTrue(Diagnostics.dump().contains("  \"awaiting\" AWAITING_STAGE for "));
    stage.complete("done");
    assertEquals("done", async.result());
    awaitGone(async);
  }

  @Test
  void finishedCallsAreNotListed() throws Exception {
    WorkerPortal worker =
        Portals.newWorkerThread(PortalOptions.builder().name(unique("dump-done")).build());
    portals.add(worker);
    Call<String> done = worker.submit(Call.of("finished", () -> "x"));
    assertEquals("x", done.result());
    awaitGone(done);
  }

  /** The call ends up out of the snapshot (its thread may still be leaving it). */
  private static void awaitGone(Call<?> call) {
    CallTestSupport.awaitCondition(
        () -> Diagnostics.inFlight().stream().noneMatch(c -> c.call() == call),
        call + " gone from the snapshot");
  }
}

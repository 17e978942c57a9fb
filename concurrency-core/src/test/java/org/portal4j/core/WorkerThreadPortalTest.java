package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** The worker-thread portal: lifecycle, ordering, run-once, shutdown, names and daemon flag. */
@CheckThreadLeaks
@Timeout(30)
class WorkerThreadPortalTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String RUN_ONCE_MESSAGE =
      "Worker configured to only run once. A call has already been submitted.";
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final List<WorkerPortal> workers = new ArrayList<>();
  private final List<CountDownLatch> latches = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    latches.forEach(CountDownLatch::countDown);
    workers.forEach(WorkerPortal::shutdown);
    for (WorkerPortal worker : workers) {
      assertTrue(worker.awaitTermination(WAIT), worker.name() + " did not terminate");
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Made by the chosen WORKER backend, so backend modules re-run this suite on their portals. */
  private WorkerPortal worker(PortalOptions options) {
    WorkerPortal worker = Portals.newWorkerThread(options);
    workers.add(worker);
    return worker;
  }

  private WorkerPortal named(String prefix) {
    return worker(PortalOptions.builder().name(uniqueName(prefix)).build());
  }

  private static String uniqueName(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
  }

  private CountDownLatch latch() {
    CountDownLatch latch = new CountDownLatch(1);
    latches.add(latch); // released in @AfterEach too, so a failing test never strands a worker
    return latch;
  }

  private static boolean await(CountDownLatch latch) throws InterruptedException {
    return latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Live threads whose name contains {@code name}. */
  private static List<Thread> threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().contains(name))
        .collect(Collectors.toList());
  }

  private static void join(Thread thread) throws InterruptedException {
    thread.join(WAIT.toMillis());
    assertFalse(thread.isAlive(), thread.getName() + " still alive");
  }

  // ------------------------------------------------------------------ starting

  @Test
  void startsOnFirstSubmitNotBefore() throws Exception {
    WorkerPortal worker = named("lazy");

    worker.name();
    worker.isDaemon();
    worker.isShutdown();
    assertFalse(worker.isRunning());
    assertEquals(List.of(), threadsNamed(worker.name()), "a thread started before any submit");

    Thread ran = worker.submit(Call.of(Thread::currentThread)).result(WAIT);

    assertNotSame(Thread.currentThread(), ran);
    assertTrue(ran.getName().contains(worker.name()), ran.getName());
    assertTrue(worker.isRunning());
    assertEquals(List.of(ran), threadsNamed(worker.name()));
  }

  @Test
  void startFromSixteenThreadsAtOnceStartsExactlyOneThread() throws Exception {
    for (int round = 0; round < 10; round++) {
      WorkerPortal worker = named("start-race");
      int starters = 16;
      CountDownLatch ready = new CountDownLatch(starters);
      CountDownLatch go = new CountDownLatch(1);
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < starters; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    ready.countDown();
                    go.await();
                    worker.start();
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                },
                "starter-" + i);
        threads.add(t);
        t.start();
      }
      assertTrue(await(ready));
      go.countDown();
      for (Thread t : threads) {
        join(t);
      }
      assertEquals(List.of(), failures);

      List<Thread> started = threadsNamed(worker.name());
      assertEquals(1, started.size(), "threads started for one worker: " + started);
      List<Call<Thread>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(worker.submit(Call.of(Thread::currentThread)));
      }
      for (Call<Thread> call : calls) {
        assertSame(started.get(0), call.result(WAIT));
      }
    }
  }

  @Test
  void startFromSixteenThreadsAtOnceMakesOneThreadEvenWhenMakingItIsSlow() throws Exception {
    // The factory holds the first starter inside thread creation for a while, waiting (with a
    // deadline) for a second request: a start() that is not atomic lets the other starters in.
    AtomicInteger requests = new AtomicInteger();
    CountDownLatch secondRequest = new CountDownLatch(1);
    WorkerThreadPortal worker =
        new WorkerThreadPortal(
            PortalOptions.builder().name(uniqueName("slow-factory")).build(),
            (task, threadName) -> {
              if (requests.incrementAndGet() > 1) {
                secondRequest.countDown();
              } else {
                try {
                  secondRequest.await(300, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return new Thread(task, threadName);
            });
    workers.add(worker);
    int starters = 16;
    CountDownLatch ready = new CountDownLatch(starters);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < starters; i++) {
      Thread t =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                worker.start();
              },
              "slow-starter-" + i);
      threads.add(t);
      t.start();
    }
    assertTrue(await(ready));
    go.countDown();
    for (Thread t : threads) {
      join(t);
    }

    assertEquals(1, requests.get(), "threads requested from the factory");
    assertEquals(1, threadsNamed(worker.name()).size());
    assertTrue(worker.isRunning());
  }

  @Test
  void startIsIdempotent() throws Exception {
    WorkerPortal worker = named("idempotent");
    worker.start();
    worker.start();
    worker.start();
    assertEquals(1, threadsNamed(worker.name()).size());
    assertTrue(worker.isRunning());
  }

  // ------------------------------------------------------------------ ordering

  @Test
  void callsRunInSubmissionOrderOnOneThread() throws Exception {
    WorkerPortal worker = named("ordered");
    CountDownLatch release = latch();
    worker.submit(Call.of(() -> await(release))); // holds the worker so all 100 queue up
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<Call<Thread>> calls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      calls.add(
          worker.submit(
              Call.of(
                  () -> {
                    ran.add(n);
                    return Thread.currentThread();
                  })));
    }
    release.countDown();

    Thread first = calls.get(0).result(WAIT);
    for (Call<Thread> call : calls) {
      assertSame(first, call.result(WAIT));
    }
    assertEquals(IntStream.range(0, 100).boxed().collect(Collectors.toList()), ran);
  }

  // ------------------------------------------------------------------ run once

  @Test
  void runOnceSecondSubmitWhileTheFirstRunsThrowsIllegalStateException() throws Exception {
    WorkerPortal worker = worker(PortalOptions.builder().runOnce(true).build());
    CountDownLatch started = latch();
    CountDownLatch release = latch();
    Call<String> first =
        worker.submit(
            Call.of(
                () -> {
                  started.countDown();
                  await(release);
                  return "first";
                }));
    assertTrue(await(started));

    Call<String> second = Call.of(() -> "second");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> worker.submit(second));

    assertEquals(RUN_ONCE_MESSAGE, e.getMessage());
    assertFalse(second.runner().isPresent(), "a refused call must not get a runner");
    assertFalse(second.isDone());
    release.countDown();
    assertEquals("first", first.result(WAIT));
  }

  @Test
  void runOnceSecondSubmitAfterTheFirstFinishedThrowsIllegalStateException() throws Exception {
    WorkerPortal worker = worker(PortalOptions.builder().runOnce(true).build());
    assertEquals("first", worker.submit(Call.of(() -> "first")).result(WAIT));
    assertTrue(worker.awaitTermination(WAIT));

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> worker.submit(Call.of(() -> "second")));

    assertEquals(RUN_ONCE_MESSAGE, e.getMessage());
  }

  @Test
  void runOnceWorkerShutsItselfDownAfterItsCall() throws Exception {
    WorkerPortal worker = worker(PortalOptions.builder().runOnce(true).build());
    CountDownLatch release = latch();
    Call<Thread> call =
        worker.submit(
            Call.of(
                () -> {
                  await(release);
                  return Thread.currentThread();
                }));

    assertTrue(worker.isShutdown(), "a run-once worker takes no more calls once it has its call");
    assertFalse(worker.awaitTermination(Duration.ofMillis(50)), "terminated before its call ran");
    release.countDown();

    Thread thread = call.result(WAIT);
    assertTrue(worker.awaitTermination(WAIT));
    join(thread);
    assertFalse(worker.isRunning());
  }

  // ------------------------------------------------------------------ shutdown

  @Test
  void shutdownLetsQueuedCallsFinish() throws Exception {
    WorkerPortal worker = named("draining");
    CountDownLatch started = latch();
    CountDownLatch release = latch();
    worker.submit(
        Call.of(
            () -> {
              started.countDown();
              return await(release);
            }));
    assertTrue(await(started));
    List<Call<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int n = i;
      queued.add(worker.submit(Call.of(() -> n)));
    }

    worker.shutdown();

    assertTrue(worker.isShutdown());
    assertTrue(worker.isRunning(), "still running the queued calls");
    for (Call<Integer> call : queued) {
      assertFalse(call.isDone());
    }
    assertFalse(worker.awaitTermination(Duration.ofMillis(50)));
    release.countDown();
    for (int i = 0; i < 10; i++) {
      assertEquals(i, queued.get(i).result(WAIT));
    }
    assertTrue(worker.awaitTermination(WAIT));
    assertFalse(worker.isRunning());
  }

  @Test
  void submitAfterShutdownIsRejectedAndTheCallStaysPending() throws Exception {
    WorkerPortal worker = named("rejecting");
    worker.submit(Call.of(() -> 1)).result(WAIT);
    worker.shutdown();

    Call<Integer> late = Call.of(() -> 2);
    assertThrows(RejectedExecutionException.class, () -> worker.submit(late));

    assertFalse(late.runner().isPresent(), "the rejected call must not look submitted");
    assertFalse(late.isDone());
    assertFalse(late.isRunning());
    late.run(); // not lost: the caller still owns it and can run it elsewhere
    assertEquals(2, late.result(WAIT));
  }

  @Test
  void submitAfterShutdownBeforeStartIsRejectedAndNoThreadStarts() throws Exception {
    WorkerPortal worker = named("never-started");
    worker.shutdown();

    Call<Integer> late = Call.of(() -> 2);
    assertThrows(RejectedExecutionException.class, () -> worker.submit(late));
    assertThrows(RejectedExecutionException.class, worker::start);

    assertFalse(late.runner().isPresent());
    assertTrue(worker.awaitTermination(Duration.ZERO));
    assertFalse(worker.isRunning());
    assertTrue(worker.isShutdown());
    assertEquals(List.of(), threadsNamed(worker.name()));
  }

  // ------------------------------------------------------------------ daemon

  @ParameterizedTest(name = "daemon={0}")
  @ValueSource(booleans = {true, false})
  void daemonFlagIsHonoured(boolean daemon) throws Exception {
    WorkerPortal worker = worker(PortalOptions.builder().daemon(daemon).build());
    assertEquals(daemon, worker.isDaemon());
    // Start the worker from a thread of the opposite kind: new threads inherit their creator's
    // daemon flag, so only an explicit setting makes this pass.
    AtomicReference<Call<Boolean>> call = new AtomicReference<>();
    Thread starter =
        new Thread(() -> call.set(worker.submit(Call.of(() -> Thread.currentThread().isDaemon()))));
    starter.setDaemon(!daemon);
    starter.start();
    join(starter);

    assertEquals(daemon, call.get().result(WAIT));
  }

  // ------------------------------------------------------------------ names

  @Test
  void defaultNamesAreWorkerThreadNAndTheThreadNameContainsThem() throws Exception {
    WorkerPortal a = worker(PortalOptions.defaults());
    WorkerPortal b = worker(PortalOptions.defaults());
    WorkerPortal c = Portals.newWorkerThread();
    workers.add(c);

    for (WorkerPortal worker : List.of(a, b, c)) {
      assertTrue(worker.name().matches("WorkerThread-\\d+"), worker.name());
    }
    assertNotEquals(a.name(), b.name());
    assertNotEquals(b.name(), c.name());
    String threadName = a.submit(Call.of(() -> Thread.currentThread().getName())).result(WAIT);
    assertTrue(threadName.contains(a.name()), threadName + " does not contain " + a.name());
  }

  @Test
  void customNameIsThePortalsNameAndInItsThreadName() throws Exception {
    String name = uniqueName("orders-worker");
    WorkerPortal worker = worker(PortalOptions.builder().name(name).build());

    assertEquals(name, worker.name());
    String threadName = worker.submit(Call.of(() -> Thread.currentThread().getName())).result(WAIT);
    assertTrue(threadName.contains(name), threadName + " does not contain " + name);
  }

  // ------------------------------------------------------------------ failures

  static final class SimulatedError extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedError() {
      super("simulated error");
    }
  }

  @Test
  void failingCallsDoNotKillTheWorker() throws Exception {
    WorkerPortal worker = named("survivor");
    AtomicReference<Thread> failedOn = new AtomicReference<>();
    RuntimeException boom = new IllegalStateException("boom");
    SimulatedError error = new SimulatedError();

    Call<Object> throwsRuntime =
        worker.submit(
            Call.of(
                () -> {
                  failedOn.set(Thread.currentThread());
                  throw boom;
                }));
    Call<Object> throwsError =
        worker.submit(
            Call.of(
                () -> {
                  throw error;
                }));
    Call<Thread> next = worker.submit(Call.of(Thread::currentThread));

    assertSame(boom, assertThrows(IllegalStateException.class, () -> throwsRuntime.result(WAIT)));
    assertSame(error, assertThrows(SimulatedError.class, () -> throwsError.result(WAIT)));
    assertSame(failedOn.get(), next.result(WAIT), "the next call must run on the same thread");
    assertTrue(failedOn.get().isAlive());
    assertTrue(worker.isRunning());
  }

  // ------------------------------------------------------------------ argument checks

  @Test
  void submitNullThrowsNullPointerExceptionAndDoesNotStart() {
    WorkerPortal worker = named("null-submit");
    assertThrows(NullPointerException.class, () -> worker.submit((Call<Object>) null));
    assertFalse(worker.isRunning());
  }

  @Test
  void submittingACallThatAlreadyHasARunnerThrowsIllegalStateException() throws Exception {
    WorkerPortal worker = named("first-runner");
    WorkerPortal other = named("second-runner");

    Call<Integer> done = worker.submit(Call.of(() -> 1));
    assertEquals(1, done.result(WAIT));
    assertThrows(IllegalStateException.class, () -> worker.submit(done));
    assertThrows(IllegalStateException.class, () -> other.submit(done));
    assertSame(worker, done.runner().orElseThrow());

    Call<Integer> claimed = Call.of(() -> 2);
    claimed.setRunner(worker); // claimed elsewhere but never queued
    assertThrows(IllegalStateException.class, () -> other.submit(claimed));
    assertFalse(claimed.isDone());
    assertFalse(claimed.isRunning());
    assertFalse(other.isRunning(), "a refused submit must not start the worker");
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void isRunningFollowsTheLifecycle() throws Exception {
    WorkerPortal worker = named("lifecycle");
    assertFalse(worker.isRunning());
    assertFalse(worker.isShutdown());

    worker.start();
    assertTrue(worker.isRunning());
    assertFalse(worker.isShutdown());
    assertFalse(worker.awaitTermination(Duration.ofMillis(20)));

    CountDownLatch started = latch();
    CountDownLatch release = latch();
    Call<Thread> blocker =
        worker.submit(
            Call.of(
                () -> {
                  started.countDown();
                  await(release);
                  return Thread.currentThread();
                }));
    assertTrue(await(started));
    worker.shutdown();
    assertTrue(worker.isRunning(), "running until its queue is drained");
    assertTrue(worker.isShutdown());

    release.countDown();
    Thread thread = blocker.result(WAIT);
    assertTrue(worker.awaitTermination(WAIT));
    assertFalse(worker.isRunning());
    assertTrue(worker.isShutdown());
    join(thread);
  }

  @Test
  void shutdownBeforeStartTerminatesAtOnce() throws Exception {
    WorkerPortal worker = named("stillborn");
    worker.shutdown();
    worker.shutdown(); // idempotent
    assertTrue(worker.awaitTermination(Duration.ZERO));
    assertFalse(worker.isRunning());
    assertTrue(worker.isShutdown());
  }

  @Test
  void closeIsShutdown() throws Exception {
    CountDownLatch started = latch();
    CountDownLatch release = latch();
    Call<Integer> queued;
    WorkerPortal worker = named("closing");
    try (WorkerPortal closing = worker) {
      closing.submit(
          Call.of(
              () -> {
                started.countDown();
                return await(release);
              }));
      queued = closing.submit(Call.of(() -> 42));
      assertTrue(await(started));
    }

    assertTrue(worker.isShutdown());
    assertTrue(worker.isRunning());
    assertThrows(RejectedExecutionException.class, () -> worker.submit(Call.of(() -> 0)));
    release.countDown();
    assertEquals(42, queued.result(WAIT), "close() must let queued calls finish");
    assertTrue(worker.awaitTermination(WAIT));
    assertFalse(worker.isRunning());
  }
}

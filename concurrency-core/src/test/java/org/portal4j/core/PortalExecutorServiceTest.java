package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/** {@code Portals.asExecutorService}: a small ExecutorService conformance suite over a worker. */
@CheckThreadLeaks
@Timeout(60)
class PortalExecutorServiceTest {

  private static final long WAIT_MS = WAIT.toMillis();

  private final WorkerPortal worker = Portals.newWorkerThread();
  private final ExecutorService executor = Portals.asExecutorService(worker);

  @AfterEach
  void shutDown() throws InterruptedException {
    executor.shutdownNow();
    assertTrue(executor.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  /** A task that signals it started and then blocks until released or interrupted. */
  private static final class Blocker implements Callable<String> {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);

    @Override
    public String call() throws InterruptedException {
      started.countDown();
      try {
        release.await();
        return "released";
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    }

    void awaitStarted() throws InterruptedException {
      assertTrue(started.await(WAIT_MS, TimeUnit.MILLISECONDS), "the task started");
    }
  }

  @Test
  void submitRunsTheTaskOnTheWorkersThread() throws Exception {
    Future<String> name = executor.submit(() -> Thread.currentThread().getName());

    assertTrue(name.get(WAIT_MS, TimeUnit.MILLISECONDS).contains(worker.name()));
    assertTrue(name.isDone());
    assertFalse(name.isCancelled());
  }

  @Test
  void submitOfARunnableAndExecuteRunTheTask() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    assertEquals(
        "done", executor.submit(ran::incrementAndGet, "done").get(WAIT_MS, TimeUnit.MILLISECONDS));
    CountDownLatch executed = new CountDownLatch(1);
    executor.execute(executed::countDown);

    assertTrue(executed.await(WAIT_MS, TimeUnit.MILLISECONDS));
    assertEquals(1, ran.get());
  }

  @Test
  void getThrowsExecutionExceptionWithWhatTheTaskThrew() {
    Future<Object> failing =
        executor.submit(
            () -> {
              throw new java.io.IOException("disk");
            });

    ExecutionException e =
        assertThrows(ExecutionException.class, () -> failing.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertInstanceOf(java.io.IOException.class, e.getCause());
  }

  @Test
  void tasksRunInSubmissionOrder() throws Exception {
    List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      futures.add(executor.submit(() -> order.add(n)));
    }
    for (Future<?> f : futures) {
      f.get(WAIT_MS, TimeUnit.MILLISECONDS);
    }
    for (int i = 0; i < 20; i++) {
      assertEquals(i, order.get(i));
    }
  }

  @Test
  void invokeAllReturnsEveryTasksFutureInOrderAllDone() throws Exception {
    List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3);

    List<Future<Integer>> futures = executor.invokeAll(tasks);

    assertEquals(3, futures.size());
    for (int i = 0; i < 3; i++) {
      assertTrue(futures.get(i).isDone());
      assertEquals(i + 1, futures.get(i).get());
    }
  }

  @Test
  void invokeAllWithATimeoutCancelsWhatDidNotFinish() throws Exception {
    Blocker blocker = new Blocker();
    // Also one that cannot finish: invokeAll cancels in order, and cancelling the first frees the
    // worker, which may start the second before its cancel comes.
    Blocker second = new Blocker();

    List<Future<String>> futures =
        executor.invokeAll(List.of(blocker, second), 200, TimeUnit.MILLISECONDS);

    assertTrue(futures.get(0).isCancelled());
    assertTrue(futures.get(1).isCancelled());
    assertTrue(blocker.interrupted.await(WAIT_MS, TimeUnit.MILLISECONDS), "the running one");
  }

  @Test
  void invokeAnyReturnsTheResultOfATaskThatSucceeded() throws Exception {
    Callable<String> failing =
        () -> {
          throw new IllegalStateException("no");
        };

    assertEquals("yes", executor.invokeAny(List.of(failing, () -> "yes", failing)));
    ExecutionException none =
        assertThrows(ExecutionException.class, () -> executor.invokeAny(List.of(failing)));
    assertInstanceOf(IllegalStateException.class, none.getCause());
  }

  @Test
  void cancellingTheFutureOfARunningTaskInterruptsIt() throws Exception {
    Blocker blocker = new Blocker();
    Future<String> future = executor.submit(blocker);
    blocker.awaitStarted();

    assertTrue(future.cancel(true));

    assertTrue(blocker.interrupted.await(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(future.isCancelled());
    assertTrue(future.isDone());
    assertThrows(CancellationException.class, future::get);
    assertEquals("next", executor.submit(() -> "next").get(WAIT_MS, TimeUnit.MILLISECONDS));
  }

  @Test
  void cancellingAQueuedTaskMeansItNeverRuns() throws Exception {
    Blocker blocker = new Blocker();
    executor.submit(blocker);
    blocker.awaitStarted();
    AtomicBoolean ran = new AtomicBoolean();
    Future<?> queued = executor.submit(() -> ran.set(true));

    assertTrue(queued.cancel(false));
    blocker.release.countDown();
    executor.submit(() -> null).get(WAIT_MS, TimeUnit.MILLISECONDS);

    assertFalse(ran.get());
  }

  @Test
  void shutdownLetsQueuedTasksFinishAndRefusesNewOnes() throws Exception {
    Blocker blocker = new Blocker();
    executor.submit(blocker);
    blocker.awaitStarted();
    Future<String> queued = executor.submit(() -> "queued ran");

    executor.shutdown();

    assertTrue(executor.isShutdown());
    assertFalse(executor.isTerminated());
    assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> "late"));
    blocker.release.countDown();
    assertEquals("queued ran", queued.get(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(executor.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(executor.isTerminated());
    assertFalse(worker.isRunning());
  }

  @Test
  void shutdownNowInterruptsTheRunningTaskAndReturnsTheQueuedOnes() throws Exception {
    Blocker blocker = new Blocker();
    Future<String> running = executor.submit(blocker);
    blocker.awaitStarted();
    AtomicInteger ran = new AtomicInteger();
    Runnable first = ran::incrementAndGet;
    Runnable second = ran::incrementAndGet;
    executor.execute(first);
    executor.execute(second);
    Future<?> third = executor.submit(ran::incrementAndGet);

    List<Runnable> neverStarted = executor.shutdownNow();

    assertEquals(3, neverStarted.size(), neverStarted.toString());
    assertTrue(Set.copyOf(neverStarted).containsAll(Set.of(first, second)));
    assertTrue(blocker.interrupted.await(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(running.isCancelled());
    assertTrue(third.isCancelled());
    assertTrue(executor.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(executor.isTerminated());
    assertEquals(0, ran.get(), "no queued task ran");
    neverStarted.forEach(Runnable::run); // they are the tasks as submitted: still runnable
    assertEquals(3, ran.get());
  }

  @Test
  void aTaskARunOnceWorkerRefusesIsRejected() throws Exception {
    WorkerPortal once = Portals.newWorkerThread(PortalOptions.builder().runOnce(true).build());
    ExecutorService single = Portals.asExecutorService(once);
    try {
      assertEquals("first", single.submit(() -> "first").get(WAIT_MS, TimeUnit.MILLISECONDS));
      RejectedExecutionException refused =
          assertThrows(RejectedExecutionException.class, () -> single.submit(() -> "second"));
      assertTrue(refused.getMessage().contains("only run once"), refused.getMessage());
    } finally {
      single.shutdown();
      assertTrue(single.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void anUnstartedWorkerShutDownIsTerminated() throws Exception {
    executor.shutdown();

    assertTrue(executor.awaitTermination(WAIT_MS, TimeUnit.MILLISECONDS));
    assertTrue(executor.isTerminated());
  }
}

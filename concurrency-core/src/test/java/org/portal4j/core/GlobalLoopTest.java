package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.test.CheckThreadLeaks;

/**
 * The global loop: DESIGN.md "Portals.globalLoop() returns a running daemon loop, and a new one if
 * the last was shut down. waitForGlobalLoopExit from inside the loop throws IllegalStateException."
 */
@CheckThreadLeaks
class GlobalLoopTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<Runnable> releases = new ArrayList<>();
  private final List<CoreRuntime> runtimes = new ArrayList<>();

  @AfterEach
  void leaveAWorkingGlobalLoop() {
    releases.forEach(Runnable::run);
    for (CoreRuntime runtime : runtimes) {
      runtime.portals().waitForGlobalLoopExit(WAIT);
    }
    // Other tests use the global loop: it must still (or again) work.
    assertEquals("ok", Portals.globalLoop().submit(() -> "ok").result());
  }

  /** A runtime of its own, so a test can watch a global loop that nobody else touches. */
  private CoreRuntime freshRuntime() {
    CoreRuntime runtime = new CoreRuntime();
    runtimes.add(runtime);
    return runtime;
  }

  private static Set<Thread> liveGlobalLoopThreads() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().equals(CoreRuntime.GLOBAL_LOOP_NAME)) {
        threads.add(t);
      }
    }
    return threads;
  }

  /** Global loop threads alive now that were not alive in {@code before}. */
  private static Set<Thread> startedSince(Set<Thread> before) {
    Set<Thread> started = liveGlobalLoopThreads();
    started.removeAll(before);
    return started;
  }

  private static Thread threadOf(LoopPortal loop) throws Exception {
    return loop.submit(Thread::currentThread).result(WAIT);
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), "latch not reached in time");
  }

  private static <T> CompletableFuture<T> onNewThread(String name, Callable<T> body) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    new Thread(
            () -> {
              try {
                outcome.complete(body.call());
              } catch (Throwable t) {
                outcome.completeExceptionally(t);
              }
            },
            name)
        .start();
    return outcome;
  }

  @Test
  void globalLoopIsARunningDaemonLoopNamedGlobalEventLoopThread() throws Exception {
    LoopPortal loop = Portals.globalLoop();
    assertTrue(loop.isRunning());
    assertFalse(loop.isShutdown());
    assertTrue(loop.isDaemon());
    assertEquals("GlobalEventLoopThread", loop.name());
    Thread thread = threadOf(loop);
    assertEquals("GlobalEventLoopThread", thread.getName());
    assertTrue(thread.isDaemon());
  }

  @Test
  void globalLoopIsTheSameLoopWhileItRuns() {
    LoopPortal first = Portals.globalLoop();
    assertSame(first, Portals.globalLoop());
    assertSame(first, Portals.globalLoop());
  }

  @Test
  void globalLoopIsCreatedLazilyOnFirstUse() throws Exception {
    CoreRuntime runtime = freshRuntime();
    Set<Thread> before = liveGlobalLoopThreads();
    assertFalse(runtime.portals().inGlobalLoop());
    runtime.portals().waitForGlobalLoopExit(WAIT); // nothing to wait for
    assertEquals(
        Set.of(), startedSince(before), "a global loop was started without being asked for");
    LoopPortal loop = runtime.portals().globalLoop();
    assertTrue(loop.isRunning());
    Set<Thread> started = startedSince(before);
    assertEquals(1, started.size());
    assertSame(started.iterator().next(), threadOf(loop));
  }

  @Test
  void inGlobalLoopIsTrueOnlyOnTheGlobalLoopThread() throws Exception {
    LoopPortal loop = Portals.globalLoop();
    assertFalse(Portals.inGlobalLoop());
    assertTrue(loop.submit(Portals::inGlobalLoop).result(WAIT));
    assertTrue(loop.submit(loop::inLoop).result(WAIT));
    assertSame(loop, loop.submit(() -> Portals.currentLoop().orElseThrow()).result(WAIT));
    assertEquals(Optional.empty(), Portals.currentLoop());

    LoopPortal other = Portals.newEventLoopThread();
    try {
      assertFalse(
          other.submit(Portals::inGlobalLoop).result(WAIT), "another loop is not the global one");
    } finally {
      other.shutdown();
      assertTrue(other.awaitTermination(WAIT));
    }
  }

  @Test
  void inGlobalLoopNeverCreatesTheLoop() throws Exception {
    Portals.waitForGlobalLoopExit(WAIT);
    Set<Thread> before = liveGlobalLoopThreads();
    assertFalse(Portals.inGlobalLoop());
    assertFalse(Portals.inGlobalLoop());
    assertEquals(Set.of(), startedSince(before), "inGlobalLoop() started a loop");

    CoreRuntime runtime = freshRuntime();
    assertFalse(runtime.portals().inGlobalLoop());
    assertEquals(Set.of(), startedSince(before), "inGlobalLoop() of a new runtime started a loop");
  }

  @Test
  void waitForGlobalLoopExitShutsTheLoopDownAndJoinsItsThread() throws Exception {
    LoopPortal loop = Portals.globalLoop();
    Thread thread = threadOf(loop);
    CompletableFuture<Boolean> shutdownCallRanOnLoop = new CompletableFuture<>();
    loop.addShutdownCall(Call.of(() -> shutdownCallRanOnLoop.complete(Portals.inGlobalLoop())));
    Portals.waitForGlobalLoopExit(WAIT);
    assertTrue(
        loop.awaitTermination(Duration.ZERO),
        "waitForGlobalLoopExit returned before the loop terminated");
    thread.join(WAIT.toMillis());
    assertFalse(thread.isAlive());
    assertTrue(loop.isShutdown());
    assertFalse(loop.isRunning());
    assertTrue(shutdownCallRanOnLoop.getNow(false), "the global loop's shutdown calls run at exit");
  }

  @Test
  void waitForGlobalLoopExitReturnsOnlyOnceTheThreadHasExited() throws Exception {
    for (int i = 0; i < 50; i++) {
      Thread thread = threadOf(Portals.globalLoop());
      Portals.waitForGlobalLoopExit(WAIT);
      assertFalse(
          thread.isAlive(), "round " + i + ": returned while " + thread + " was still alive");
    }
  }

  @Test
  void afterTheGlobalLoopWasShutDownTheNextCallReturnsANewWorkingOne() throws Exception {
    LoopPortal old = Portals.globalLoop();
    Thread oldThread = threadOf(old);
    Portals.waitForGlobalLoopExit(WAIT);

    LoopPortal fresh = Portals.globalLoop();
    assertNotSame(old, fresh);
    assertTrue(fresh.isRunning());
    assertTrue(fresh.isDaemon());
    Thread freshThread = threadOf(fresh);
    assertNotSame(oldThread, freshThread);
    assertEquals("GlobalEventLoopThread", freshThread.getName());
    assertTrue(freshThread.isDaemon());
    assertSame(fresh, Portals.globalLoop());
    assertEquals(42, fresh.submit(() -> 42).result(WAIT));
  }

  @Test
  void aGlobalLoopThatIsStillShuttingDownIsReplacedAtOnce() throws Exception {
    LoopPortal old = Portals.globalLoop();
    CompletableFuture<String> holdOpen = new CompletableFuture<>();
    releases.add(() -> holdOpen.complete("released"));
    CountDownLatch shuttingDown = new CountDownLatch(1);
    old.addShutdownCall(
        Call.ofAsync(
            () -> {
              shuttingDown.countDown();
              return holdOpen;
            }));
    old.shutdown();
    await(shuttingDown);
    assertTrue(old.isRunning(), "the old loop is still finishing its shutdown call");

    LoopPortal fresh = Portals.globalLoop();
    assertNotSame(old, fresh);
    assertTrue(fresh.submit(Portals::inGlobalLoop).result(WAIT));
    assertThrows(RejectedExecutionException.class, () -> old.submit(() -> "late"));

    holdOpen.complete("done");
    assertTrue(old.awaitTermination(WAIT));
  }

  @Test
  void waitForGlobalLoopExitFromInsideTheLoopThrowsIllegalStateException() throws Exception {
    LoopPortal loop = Portals.globalLoop();
    Call<Object> inside =
        loop.submit(
            Call.of(
                () -> {
                  Portals.waitForGlobalLoopExit(Duration.ofSeconds(1));
                  return "returned";
                }));
    assertThrows(IllegalStateException.class, () -> inside.result(WAIT));
    assertTrue(loop.isRunning(), "the failed wait must not have shut the loop down");
    assertFalse(loop.isShutdown());
    assertSame(loop, Portals.globalLoop());
  }

  @Test
  void waitForGlobalLoopExitThatRunsOutOfTimeLogsAndReturns() throws Exception {
    CoreRuntime runtime = freshRuntime();
    LoopPortal loop = runtime.portals().globalLoop();
    CompletableFuture<String> holdOpen = new CompletableFuture<>();
    releases.add(() -> holdOpen.complete("released"));
    loop.addShutdownCall(Call.ofAsync(() -> holdOpen));
    try (LogCapture logs = LogCapture.start()) {
      long start = System.nanoTime();
      runtime.portals().waitForGlobalLoopExit(Duration.ofMillis(200));
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(elapsedMillis >= 190, "returned after only " + elapsedMillis + " ms");
      assertTrue(loop.isRunning(), "the loop is still running its shutdown call");
      logs.await(
          e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("global loop"), WAIT);
    }
    holdOpen.complete("done");
    runtime.portals().waitForGlobalLoopExit(WAIT);
    assertFalse(loop.isRunning());
  }

  @Test
  void interruptingWaitForGlobalLoopExitEndsItWithCompletionExceptionAndKeepsTheFlag()
      throws Exception {
    CoreRuntime runtime = freshRuntime();
    LoopPortal loop = runtime.portals().globalLoop();
    CompletableFuture<String> holdOpen = new CompletableFuture<>();
    releases.add(() -> holdOpen.complete("released"));
    loop.addShutdownCall(Call.ofAsync(() -> holdOpen));
    Thread.currentThread().interrupt(); // a flag already set counts as an interrupt
    try {
      CompletionException e =
          assertThrows(
              CompletionException.class, () -> runtime.portals().waitForGlobalLoopExit(WAIT));
      assertInstanceOf(InterruptedException.class, e.getCause());
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is still set");
    } finally {
      Thread.interrupted();
    }
    holdOpen.complete("done");
    runtime.portals().waitForGlobalLoopExit(WAIT);
    assertFalse(loop.isRunning());
  }

  @Test
  void concurrentFirstCallersGetTheSameGlobalLoop() throws Exception {
    CoreRuntime runtime = freshRuntime();
    Set<Thread> before = liveGlobalLoopThreads();
    int callers = 8;
    CyclicBarrier barrier = new CyclicBarrier(callers);
    List<CompletableFuture<LoopPortal>> results = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      results.add(
          onNewThread(
              "global-caller-" + i,
              () -> {
                barrier.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                LoopPortal loop = runtime.portals().globalLoop();
                assertTrue(loop.isRunning());
                return loop;
              }));
    }
    LoopPortal first = results.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (CompletableFuture<LoopPortal> result : results) {
      assertSame(first, result.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(
        Set.of(threadOf(first)),
        startedSince(before),
        "exactly one global loop thread was started");
  }

  @Test
  void globalLoopNeverThrowsWhileAnotherThreadKeepsShuttingItDown() throws Exception {
    CoreRuntime runtime = freshRuntime();
    runtime.portals().globalLoop();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger exits = new AtomicInteger();
    CompletableFuture<Void> shutter =
        onNewThread(
            "global-shutter",
            () -> {
              while (!stop.get()) {
                runtime.portals().waitForGlobalLoopExit(WAIT);
                exits.incrementAndGet();
              }
              return null;
            });
    RuntimeException failure = null;
    int calls = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    try {
      while (System.nanoTime() < deadline && failure == null) {
        try {
          LoopPortal loop = runtime.portals().globalLoop();
          calls++;
          assertEquals(CoreRuntime.GLOBAL_LOOP_NAME, loop.name());
        } catch (RuntimeException e) {
          failure = e;
        }
      }
    } finally {
      stop.set(true);
      shutter.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    if (failure != null) {
      throw new AssertionError(
          "globalLoop() threw after " + calls + " calls and " + exits.get() + " exits", failure);
    }
  }
}

package org.portal4j.test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small fixture classes through the Jupiter engine and checks what the extension made of them.
 * The fixtures are static nested classes, which surefire skips by default, so they only run from
 * here. The engine runs them on this test's thread, so plain static fields reach them.
 */
// The check is applied to itself: once a test here is done, the fixtures' threads must be gone.
@CheckThreadLeaks(graceMillis = 2000)
class ThreadLeakExtensionTest {

  private static CountDownLatch release;
  private static final List<Thread> workers = new CopyOnWriteArrayList<>();

  @BeforeEach
  void resetWorkers() {
    release = new CountDownLatch(1);
    workers.clear();
  }

  @AfterEach
  void releaseWorkers() throws InterruptedException {
    release.countDown();
    for (Thread worker : workers) {
      worker.join(10_000);
      assertFalse(worker.isAlive(), worker.getName() + " did not end once released");
    }
  }

  @Test
  void threadLeftRunningFailsTheTestWithItsDetails() {
    Throwable failure = onlyFailure(LeavesTwoThreadsRunning.class);

    assertInstanceOf(AssertionError.class, failure);
    String message = failure.getMessage();
    assertTrue(
        message.startsWith("2 threads started during the test still alive after 50 ms"), message);
    for (Thread worker : workers) {
      assertTrue(
          message.contains(
              "\"" + worker.getName() + "\" id=" + worker.getId() + " state=WAITING daemon=true"),
          message);
    }
    // Frame prefixes differ between JDKs ("java.base/", "java.base@17.0.15/", "app//").
    assertTrue(hasFrame(message, "java.util.concurrent.CountDownLatch.await("), message);
    assertTrue(
        hasFrame(message, ThreadLeakExtensionTest.class.getName() + ".lambda$startParked"),
        message);
  }

  @Test
  void threadEndingDuringTheGracePeriodPasses() {
    run(ThreadEndsWhileChecked.class).assertStatistics(s -> s.started(1).succeeded(1));
  }

  @Test
  void threadMatchingIgnoreIsNotReported() {
    run(LeavesIgnoredThreadRunning.class).assertStatistics(s -> s.started(1).succeeded(1));
    assertTrue(workers.get(0).isAlive(), "the fixture's thread should still be running");
  }

  @Test
  void methodGraceOverridesLongerClassGrace() {
    Throwable failure = onlyFailure(MethodGraceShorterThanClassGrace.class);

    assertTrue(
        failure.getMessage().startsWith("1 thread started during the test still alive after 50 ms"),
        failure.getMessage());
  }

  @Test
  void methodGraceOverridesShorterClassGrace() {
    run(MethodGraceLongerThanClassGrace.class).assertStatistics(s -> s.started(1).succeeded(1));
  }

  @Test
  void enclosingClassConfiguresNestedTests() {
    Throwable failure = onlyFailure(EnclosingClassGrace.class);

    assertTrue(
        failure.getMessage().startsWith("1 thread started during the test still alive after 50 ms"),
        failure.getMessage());
  }

  @Test
  void negativeGraceIsAConfigurationError() {
    assertInstanceOf(ExtensionConfigurationException.class, onlyFailure(NegativeGrace.class));
  }

  private static boolean hasFrame(String message, String method) {
    return message.lines().anyMatch(line -> line.startsWith("\tat ") && line.contains(method));
  }

  private static Events run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(fixture))
        .execute()
        .testEvents();
  }

  private static Throwable onlyFailure(Class<?> fixture) {
    Events events = run(fixture);
    events.assertStatistics(s -> s.started(1).failed(1));
    return events.failed().stream()
        .findFirst()
        .orElseThrow()
        .getRequiredPayload(TestExecutionResult.class)
        .getThrowable()
        .orElseThrow();
  }

  /** Starts a daemon thread that stays blocked until the test that ran the fixture is over. */
  private static void startParked(String name) {
    start(
        name,
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /**
   * Starts a thread that ends only once the calling thread is in a timed wait, which after the test
   * body means the extension's join: it proves the check waits instead of looking once. It also
   * ends when released, so a failing check leaves nothing behind.
   */
  private static void startEndingWhileChecked(String name) {
    Thread checker = Thread.currentThread();
    start(
        name,
        () -> {
          while (checker.getState() != Thread.State.TIMED_WAITING && release.getCount() > 0) {
            Thread.onSpinWait();
          }
        });
  }

  private static void start(String name, Runnable body) {
    Thread worker = new Thread(body, name);
    worker.setDaemon(true);
    workers.add(worker);
    worker.start();
  }

  // ---- fixtures, run only through run(..) ----

  @CheckThreadLeaks(graceMillis = 50)
  static class LeavesTwoThreadsRunning {
    @Test
    void leaks() {
      startParked("leaky-worker-1");
      startParked("leaky-worker-2");
    }
  }

  @ExtendWith(ThreadLeakExtension.class)
  static class ThreadEndsWhileChecked {
    @Test
    void startsShortLivedThread() {
      startEndingWhileChecked("short-lived-worker");
    }
  }

  @CheckThreadLeaks(
      graceMillis = 50,
      ignore = {"unrelated", "ignored-.*"})
  static class LeavesIgnoredThreadRunning {
    @Test
    void leaksIgnoredThread() {
      startParked("ignored-worker");
    }
  }

  @CheckThreadLeaks(graceMillis = 60_000)
  static class MethodGraceShorterThanClassGrace {
    @Test
    @CheckThreadLeaks(graceMillis = 50)
    void leaks() {
      startParked("leaky-worker");
    }
  }

  @CheckThreadLeaks(graceMillis = 0)
  static class MethodGraceLongerThanClassGrace {
    @Test
    @CheckThreadLeaks(graceMillis = 5000)
    void startsShortLivedThread() {
      startEndingWhileChecked("short-lived-worker");
    }
  }

  @CheckThreadLeaks(graceMillis = 50)
  static class EnclosingClassGrace {
    @Nested
    class Inner {
      @Test
      void leaks() {
        startParked("leaky-worker");
      }
    }
  }

  @CheckThreadLeaks(graceMillis = -1)
  static class NegativeGrace {
    @Test
    void nothing() {}
  }
}

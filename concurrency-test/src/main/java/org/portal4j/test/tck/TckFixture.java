package org.portal4j.test.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.portal4j.Call;
import org.portal4j.WorkerPortal;

/**
 * What one conformance test made, ended after it whatever its outcome: latches and stages are
 * released, calls cancelled, portals shut down and awaited, threads joined. So a failing test never
 * strands a thread, and {@link org.portal4j.test.CheckThreadLeaks} sees only real leaks.
 * Thread-safe: a test body may register from any thread.
 */
final class TckFixture {

  private final List<Runnable> releases = new CopyOnWriteArrayList<>();
  private final List<Call<?>> calls = new CopyOnWriteArrayList<>();
  private final List<WorkerPortal> portals = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** A one-shot latch, opened after the test too. */
  CountDownLatch latch() {
    CountDownLatch latch = new CountDownLatch(1);
    releases.add(latch::countDown);
    return latch;
  }

  /** Something to run after the test, before the portals are shut down (completing a stage). */
  void release(Runnable release) {
    releases.add(release);
  }

  /** A call cancelled after the test if it is still going. */
  <T> Call<T> call(Call<T> call) {
    calls.add(call);
    return call;
  }

  /** A portal shut down after the test; its termination is part of the test. */
  <P extends WorkerPortal> P portal(P portal) {
    portals.add(portal);
    return portal;
  }

  /** A thread joined after the test. */
  void thread(Thread thread) {
    threads.add(thread);
  }

  /** Ends everything; fails if a portal does not terminate or a thread does not end. */
  void end() throws InterruptedException {
    List<String> problems = new ArrayList<>();
    releases.forEach(Runnable::run);
    calls.forEach(Call::cancel);
    portals.forEach(WorkerPortal::shutdown);
    for (WorkerPortal portal : portals) {
      if (!portal.awaitTermination(Await.WAIT)) {
        problems.add(portal.name() + " did not terminate within " + Await.WAIT);
      }
    }
    for (Thread thread : threads) {
      thread.join(Await.WAIT.toMillis());
      if (thread.isAlive()) {
        problems.add(thread.getName() + " did not end within " + Await.WAIT);
      }
    }
    assertTrue(problems.isEmpty(), String.join("; ", problems));
  }
}

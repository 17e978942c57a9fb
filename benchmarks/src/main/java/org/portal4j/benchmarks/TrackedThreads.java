package org.portal4j.benchmarks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread factory that remembers its threads, so that a tear-down can wait until a pool it cannot
 * otherwise await (Reactor's schedulers) has really stopped. {@code disposeGracefully()} would
 * await it, but starts a non-daemon helper pool inside Reactor that outlives the trial.
 */
final class TrackedThreads implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger count = new AtomicInteger();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  TrackedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
    threads.add(thread);
    return thread;
  }

  /**
   * Waits until every thread made so far has ended.
   *
   * @throws IllegalStateException if one is still alive after {@link Work#STOP_WAIT}
   */
  void awaitEnded() throws InterruptedException {
    long deadline = System.nanoTime() + Work.STOP_WAIT.toNanos();
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        thread.join(java.time.Duration.ofNanos(left));
      }
      Loops.awaitStopped(!thread.isAlive(), thread);
    }
  }
}

package org.portal4j.core;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.ThreadBoundPortal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker portal with one thread of its own: calls run on it one at a time, in submission order.
 *
 * <p>Lifecycle states: NEW → RUNNING → SHUTTING_DOWN → TERMINATED (NEW → TERMINATED if shut down
 * before it started). Submits and state changes take one lock, so a call is either queued ahead of
 * the shutdown marker or rejected: none is lost. The thread is made by a factory, so other backends
 * (virtual threads) reuse all of this.
 */
public class WorkerThreadPortal implements WorkerPortal, ThreadBoundPortal {

  private static final Logger log = LoggerFactory.getLogger(WorkerThreadPortal.class);
  private static final AtomicInteger GENERATED_NAMES = new AtomicInteger();
  private static final Object STOP = new Object();

  private final String name;
  private final boolean daemon;
  private final boolean runOnce;
  private final BiFunction<Runnable, String, Thread> threadFactory;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();

  // written under lock; read anywhere
  private volatile PortalState state = PortalState.NEW;
  private boolean submitted;
  private volatile Thread thread;

  /**
   * A worker on a platform thread named after the portal.
   *
   * @param options name, daemon flag, run-once
   */
  public WorkerThreadPortal(PortalOptions options) {
    this(options, null);
  }

  /**
   * A worker whose thread comes from {@code threadFactory}, given the worker's task and name.
   *
   * @param options name, daemon flag, run-once
   * @param threadFactory makes the (unstarted) thread that runs the given task, named with the
   *     given name; null for a platform thread
   */
  protected WorkerThreadPortal(
      PortalOptions options, BiFunction<Runnable, String, Thread> threadFactory) {
    this.name =
        options.name() != null
            ? options.name()
            : "WorkerThread-" + GENERATED_NAMES.incrementAndGet();
    this.daemon = options.daemon();
    this.runOnce = options.runOnce();
    this.threadFactory =
        threadFactory != null
            ? threadFactory
            : (task, threadName) -> {
              Thread t = new Thread(task, threadName);
              t.setDaemon(daemon);
              return t;
            };
  }

  @Override
  public <T> Call<T> submit(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    lock.lock();
    try {
      // A run-once worker shuts itself down as it takes its call: say why the second is refused.
      if (runOnce && submitted) {
        throw new IllegalStateException(
            "Worker configured to only run once. A call has already been submitted.");
      }
      if (state.isShutdown()) {
        throw new RejectedExecutionException(
            "Cannot submit " + call + " to " + name + ": it has been shut down");
      }
      call.setRunner(this);
      queue.add(call);
      submitted = true;
      startLocked();
      if (runOnce) {
        shutdownLocked();
      }
    } finally {
      lock.unlock();
    }
    return call;
  }

  @Override
  public void start() {
    lock.lock();
    try {
      if (state.isShutdown()) {
        throw new RejectedExecutionException("Cannot start " + name + ": it has been shut down");
      }
      startLocked();
    } finally {
      lock.unlock();
    }
  }

  private void startLocked() {
    if (state == PortalState.NEW) {
      Thread t = threadFactory.apply(this::loop, name);
      thread = t;
      state = PortalState.RUNNING;
      t.start();
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdownLocked();
    } finally {
      lock.unlock();
    }
  }

  private void shutdownLocked() {
    if (state == PortalState.NEW) {
      state = PortalState.TERMINATED;
      terminated.countDown();
    } else if (state == PortalState.RUNNING) {
      state = PortalState.SHUTTING_DOWN;
      queue.add(STOP);
    }
  }

  private void loop() {
    try {
      while (true) {
        Object next;
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          // Only a stray interrupt can land here (calls clear theirs); the worker goes on.
          continue;
        }
        if (next == STOP) {
          return;
        }
        try {
          ((Call<?>) next).run();
        } catch (Throwable t) {
          log.error("Call {} threw out of run() on {}", next, name, t);
        }
      }
    } finally {
      lock.lock();
      try {
        state = PortalState.TERMINATED;
      } finally {
        lock.unlock();
      }
      terminated.countDown();
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    Thread t = thread; // the latch opens in the thread's last moments: wait for its exit too
    if (t != null) {
      TimeUnit.NANOSECONDS.timedJoin(t, deadline - System.nanoTime());
    }
    return t == null || !t.isAlive();
  }

  @Override
  public boolean isRunning() {
    return state.isRunning();
  }

  @Override
  public boolean isShutdown() {
    return state.isShutdown();
  }

  @Override
  public boolean isDaemon() {
    return daemon;
  }

  @Override
  public boolean runsOnlyOn(Thread candidate) {
    return thread == candidate;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    shutdown();
  }

  @Override
  public String toString() {
    return "WorkerThreadPortal[" + name + "]";
  }
}

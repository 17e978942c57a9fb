package org.portal4j.examples.customportal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker portal that runs its calls on an {@link ExecutorService} you already own (a pool with
 * your metrics, your thread names, your limits), instead of on a thread of its own.
 *
 * <p>What it guarantees, and what it cannot:
 *
 * <ul>
 *   <li>Every accepted call gets its runner set, then {@link Call#run()} exactly once, on a thread
 *       of the executor. {@link #submit} never throws once it has set the runner: if the executor
 *       rejects the task (it was shut down, or its queue is full), the call is cancelled (waiters
 *       get a {@link org.portal4j.CallCancelledException}) and the rejection is logged at WARN.
 *   <li>Order: {@link WorkerPortal} promises one call at a time, in submission order. That holds
 *       only over a single-thread executor ({@link
 *       java.util.concurrent.Executors#newSingleThreadExecutor()}); over a pool, calls run
 *       concurrently, in whatever order the pool picks them.
 *   <li>Lifecycle: {@link #shutdown()} stops this portal taking calls; calls it already handed to
 *       the executor still run. {@link #awaitTermination} waits for those calls, never for the
 *       executor, which stays yours to shut down (after this portal, or its calls are rejected).
 *   <li>It is not a {@link org.portal4j.spi.ThreadBoundPortal}: it cannot know which threads the
 *       executor has. So a call running on a single-thread executor that waits for another call of
 *       the same executor blocks forever instead of failing fast. Don't.
 *   <li>Cancellation and timeouts interrupt the executor thread running the call, as {@code
 *       Future.cancel(true)} does; the call clears the interrupt before the thread goes back to the
 *       pool.
 *   <li>{@link #isDaemon()} is false: the portal has no thread of its own, and whether the
 *       executor's threads keep the JVM alive is up to the executor's thread factory.
 * </ul>
 *
 * <p>Thread-safe: any thread may submit, start and shut down.
 */
public final class ExecutorServiceWorkerPortal implements WorkerPortal {

  private static final Logger log = LoggerFactory.getLogger(ExecutorServiceWorkerPortal.class);
  private static final AtomicInteger GENERATED_NAMES = new AtomicInteger();

  private enum State {
    NEW,
    RUNNING,
    SHUTTING_DOWN,
    TERMINATED
  }

  private final String name;
  private final ExecutorService executor;
  private final boolean runOnce;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition terminated = lock.newCondition();

  // guarded by lock
  private State state = State.NEW;
  private boolean submitted;
  private int unfinished; // calls handed to the executor whose run() has not returned

  /**
   * A portal over {@code executor}.
   *
   * @param executor where calls run; it stays the caller's: this portal never shuts it down
   * @param options the name ({@code ExecutorWorker-N} when null) and run-once; {@code daemon} does
   *     not apply
   */
  public ExecutorServiceWorkerPortal(ExecutorService executor, PortalOptions options) {
    if (executor == null) {
      throw new NullPointerException("executor");
    }
    this.executor = executor;
    this.name =
        options.name() != null
            ? options.name()
            : "ExecutorWorker-" + GENERATED_NAMES.incrementAndGet();
    this.runOnce = options.runOnce();
  }

  @Override
  public <T> Call<T> submit(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    lock.lock();
    try {
      // Every refusal comes before setRunner: once the runner is set, the call is ours to end.
      if (runOnce && submitted) {
        throw new IllegalStateException(name + " runs one call only, and already has it");
      }
      if (state == State.SHUTTING_DOWN || state == State.TERMINATED) {
        throw new RejectedExecutionException(
            "Cannot submit " + call + " to " + name + ": it has been shut down");
      }
      call.setRunner(this); // throws if the call was submitted elsewhere; nothing changed yet
      submitted = true;
      unfinished++;
      state = runOnce ? State.SHUTTING_DOWN : State.RUNNING;
    } finally {
      lock.unlock();
    }
    try {
      executor.execute(() -> runAndCount(call));
    } catch (RuntimeException rejected) {
      log.warn("{} could not hand {} to its executor; the call is cancelled", name, call, rejected);
      call.cancel();
      finished();
    }
    return call;
  }

  private void runAndCount(Call<?> call) {
    try {
      call.run();
    } finally {
      finished();
    }
  }

  private void finished() {
    lock.lock();
    try {
      unfinished--;
      terminateIfIdleLocked();
    } finally {
      lock.unlock();
    }
  }

  private void terminateIfIdleLocked() {
    if (state == State.SHUTTING_DOWN && unfinished == 0) {
      state = State.TERMINATED;
      terminated.signalAll();
    }
  }

  @Override
  public void start() {
    lock.lock();
    try {
      if (state == State.SHUTTING_DOWN || state == State.TERMINATED) {
        throw new RejectedExecutionException("Cannot start " + name + ": it has been shut down");
      }
      state = State.RUNNING;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      if (state == State.NEW) {
        state = State.TERMINATED;
        terminated.signalAll();
      } else if (state == State.RUNNING) {
        state = State.SHUTTING_DOWN;
        terminateIfIdleLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (state != State.TERMINATED) {
        if (nanos <= 0) {
          return false;
        }
        nanos = terminated.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isShutdown() {
    lock.lock();
    try {
      return state == State.SHUTTING_DOWN || state == State.TERMINATED;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isRunning() {
    lock.lock();
    try {
      return state == State.RUNNING || state == State.SHUTTING_DOWN;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isDaemon() {
    return false;
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
    return "ExecutorServiceWorkerPortal[" + name + "]";
  }
}

package org.portal4j.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.spi.ThreadBoundPortal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform event loop: one thread draining one FIFO task queue. Sync calls run inline; an async
 * call runs its function and is then tracked as in flight until its stage completes.
 *
 * <p>Lifecycle states: NEW → RUNNING → SHUTTING_DOWN → TERMINATED. Submits are accepted until
 * SHUTTING_DOWN; plain tasks ({@link #execute}) until TERMINATED, so continuations of in-flight
 * work still run during shutdown. Every queue insertion happens under one lock together with the
 * state check, and the loop drains the queue once more after setting TERMINATED under that lock, so
 * no accepted task is lost.
 */
public class EventLoopPortal implements LoopPortal, ThreadBoundPortal {

  /** How long shutdown waits for each unfinished shutdown call before cancelling it. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(EventLoopPortal.class);
  private static final AtomicInteger GENERATED_NAMES = new AtomicInteger();
  private static final Runnable STOP = () -> {};
  private static final Runnable WAKE = () -> {};

  private final String name;
  private final boolean daemon;
  private final Duration shutdownGrace;
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final Set<Call<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();

  // written under lock; read anywhere
  private volatile PortalState state = PortalState.NEW;
  private List<Call<?>> shutdownCalls = new ArrayList<>();
  private volatile Thread thread;

  /**
   * A loop with the {@linkplain #DEFAULT_SHUTDOWN_GRACE default shutdown grace}.
   *
   * @param options name and daemon flag ({@code runOnce} does not apply to loops)
   */
  public EventLoopPortal(PortalOptions options) {
    this(options, DEFAULT_SHUTDOWN_GRACE);
  }

  /**
   * A loop with the given shutdown grace.
   *
   * @param options name and daemon flag
   * @param shutdownGrace how long each shutdown call may take before it is cancelled
   */
  public EventLoopPortal(PortalOptions options, Duration shutdownGrace) {
    this.name =
        options.name() != null
            ? options.name()
            : "EventLoopThread-" + GENERATED_NAMES.incrementAndGet();
    this.daemon = options.daemon();
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      throw new IllegalArgumentException(
          "shutdownGrace must be zero or positive: " + shutdownGrace);
    }
    this.shutdownGrace = shutdownGrace;
  }

  /**
   * Runs on the loop thread before the loop takes its first task; a throw fails {@link #start()}.
   * Does nothing by default.
   *
   * @throws Exception a start-up failure
   */
  protected void onLoopStart() throws Exception {}

  // ---------------------------------------------------------------- taking work

  @Override
  public <T> Call<T> submit(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    lock.lock();
    try {
      if (state.isShutdown()) {
        throw new RejectedExecutionException(
            "Cannot submit " + call + " to " + name + ": it has been shut down");
      }
      call.setRunner(this);
      tasks.add(new CallTask(call));
      startLocked();
    } finally {
      lock.unlock();
    }
    return call;
  }

  @Override
  public void execute(Runnable task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    lock.lock();
    try {
      if (state == PortalState.TERMINATED) {
        throw new RejectedExecutionException(
            "Cannot run " + task + " on " + name + ": it has terminated");
      }
      tasks.add(task);
      startLocked();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void addShutdownCall(Call<?> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    lock.lock();
    try {
      if (state.isShutdown()) {
        throw new RejectedExecutionException(
            "Cannot add shutdown call " + call + " to " + name + ": it is already shutting down");
      }
      call.setRunner(this);
      shutdownCalls.add(call);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void start() {
    lock.lock();
    try {
      if (state.isShutdown()) {
        if (ready.isCompletedExceptionally()) {
          throw startFailure();
        }
        throw new RejectedExecutionException("Cannot start " + name + ": it has been shut down");
      }
      startLocked();
    } finally {
      lock.unlock();
    }
    if (!inLoop()) {
      awaitReady();
    }
  }

  private void awaitReady() {
    boolean interrupted = false;
    while (!ready.isDone()) {
      try {
        ready.get();
      } catch (InterruptedException e) {
        interrupted = true; // readiness is moments away; keep the interrupt for the caller
      } catch (Exception e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (ready.isCompletedExceptionally()) {
      throw startFailure();
    }
  }

  private RuntimeException startFailure() {
    Throwable cause = ready.handle((value, error) -> error).join();
    if (cause instanceof RuntimeException) {
      return (RuntimeException) cause;
    }
    if (cause instanceof Error) {
      throw (Error) cause;
    }
    return new IllegalStateException(name + " failed to start", cause);
  }

  private void startLocked() {
    if (state != PortalState.NEW) {
      return;
    }
    Thread t = new Thread(this::loop, name);
    t.setDaemon(daemon);
    thread = t;
    state = PortalState.RUNNING;
    try {
      t.start();
    } catch (Throwable e) {
      state = PortalState.TERMINATED;
      ready.completeExceptionally(e);
      terminated.countDown();
      throw e;
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      if (state == PortalState.NEW && !shutdownCalls.isEmpty()) {
        startLocked(); // shutdown calls were promised to run
      }
      if (state == PortalState.NEW) {
        state = PortalState.TERMINATED;
        shutdownCalls = List.of();
        ready.complete(null);
        terminated.countDown();
      } else if (state == PortalState.RUNNING) {
        state = PortalState.SHUTTING_DOWN;
        tasks.add(STOP);
      }
    } finally {
      lock.unlock();
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
  public boolean isShutdown() {
    return state.isShutdown();
  }

  @Override
  public boolean isRunning() {
    return state.isRunning();
  }

  // ---------------------------------------------------------------- the loop

  private void loop() {
    CurrentLoop.bind(this);
    try {
      try {
        onLoopStart();
      } catch (Throwable t) {
        failStart(t);
        return;
      }
      ready.complete(null);
      while (true) {
        Runnable task = take();
        if (task == STOP) {
          break;
        }
        runTask(task);
      }
      runShutdownCalls();
      for (Call<?> call : List.copyOf(inFlight)) {
        call.cancel();
      }
      lock.lock();
      try {
        state = PortalState.TERMINATED;
      } finally {
        lock.unlock();
      }
      for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
        runTask(task);
      }
    } finally {
      CurrentLoop.bind(null);
      terminated.countDown();
    }
  }

  private void failStart(Throwable failure) {
    lock.lock();
    try {
      state = PortalState.TERMINATED;
      shutdownCalls = List.of();
    } finally {
      lock.unlock();
    }
    ready.completeExceptionally(failure);
    log.error("{} failed to start", name, failure);
    for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
      if (task instanceof CallTask) {
        ((CallTask) task).call.cancel(); // queued calls end instead of hanging their callers
      }
    }
  }

  private Runnable take() {
    while (true) {
      try {
        return tasks.take();
      } catch (InterruptedException e) {
        // A stray interrupt (calls clear their own); the loop goes on.
      }
    }
  }

  private void runTask(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      log.error("Task {} threw on {}", task, name, t);
    }
  }

  private void runShutdownCalls() {
    List<Call<?>> calls;
    lock.lock();
    try {
      calls = shutdownCalls;
      shutdownCalls = List.of(); // forgotten once run
    } finally {
      lock.unlock();
    }
    for (Call<?> call : calls) {
      // The grace is enforced from outside the loop, so it bounds a blocking sync call too.
      ScheduledFuture<?> grace =
          TimeoutScheduler.schedule(
              () -> {
                if (call.cancel()) {
                  log.warn(
                      "Shutdown call {} of {} did not finish within {}; cancelled it",
                      call,
                      name,
                      shutdownGrace);
                }
              },
              shutdownGrace);
      runTask(new CallTask(call));
      awaitOnLoop(call);
      grace.cancel(false);
    }
  }

  /** Keeps the loop turning until {@code call} is done (its grace guarantees it will be). */
  private void awaitOnLoop(Call<?> call) {
    if (call.isDone()) {
      return;
    }
    call.addDoneCallback(done -> tasks.add(WAKE));
    while (!call.isDone()) {
      runTask(take());
    }
  }

  /** Runs a call on the loop and tracks it while its async part is pending. */
  private final class CallTask implements Runnable {
    final Call<?> call;

    CallTask(Call<?> call) {
      this.call = call;
    }

    @Override
    public void run() {
      call.run();
      if (!call.isDone()) {
        inFlight.add(call);
        call.addDoneCallback(inFlight::remove);
      }
    }

    @Override
    public String toString() {
      return call.toString();
    }
  }

  // ---------------------------------------------------------------- identity

  @Override
  public boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  @Override
  public boolean runsOnlyOn(Thread candidate) {
    return thread == candidate;
  }

  @Override
  public boolean isDaemon() {
    return daemon;
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
    return "EventLoopPortal[" + name + "]";
  }
}

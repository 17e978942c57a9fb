package org.portal4j.netty;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.core.CurrentLoop;
import org.portal4j.core.PortalState;
import org.portal4j.spi.ThreadBoundPortal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LoopPortal} over one Netty {@link EventExecutor}: calls and tasks go through the
 * executor's own task queue, so they interleave in order with the channel work of that loop.
 *
 * <p>Lifecycle states: NEW → RUNNING → SHUTTING_DOWN → TERMINATED. Shutdown never blocks the loop:
 * the sequence (queued calls, then shutdown calls in order, each awaited up to the grace, then
 * cancelling async calls in flight) runs as loop tasks. A portal that {@linkplain NettyPortals#wrap
 * wraps} a user's loop never shuts that loop down; a portal made by the {@code netty} provider owns
 * its single-thread group and shuts it down gracefully at the end.
 */
final class NettyLoopPortal implements LoopPortal, ThreadBoundPortal {

  private static final Logger log = LoggerFactory.getLogger(NettyLoopPortal.class);

  private final String name;
  private volatile boolean daemon;

  /** The thread of an owned group, set when Netty makes it; null for a wrapped loop. */
  private final AtomicReference<Thread> ownedThread;

  private final EventExecutor loop;

  /** The group to shut down at the end, or null when the loop belongs to the user. */
  private final EventExecutorGroup ownedGroup;

  private final Duration shutdownGrace;
  private final Set<Call<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final ReentrantLock lock = new ReentrantLock();

  // written under lock; read anywhere
  private volatile PortalState state = PortalState.NEW;
  private List<Call<?>> shutdownCalls = new ArrayList<>();

  NettyLoopPortal(
      String name,
      boolean daemon,
      EventExecutor loop,
      EventExecutorGroup ownedGroup,
      AtomicReference<Thread> ownedThread,
      Duration shutdownGrace) {
    this.name = name;
    this.daemon = daemon;
    this.loop = loop;
    this.ownedGroup = ownedGroup;
    this.ownedThread = ownedThread;
    this.shutdownGrace = shutdownGrace;
  }

  /** The Netty executor behind this portal. */
  EventExecutor executor() {
    return loop;
  }

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
      startLocked();
      call.setRunner(this);
      loop.execute(() -> runCall(call));
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
      startLocked();
      loop.execute(task);
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

  private void runCall(Call<?> call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.error("Call {} threw out of run() on {}", call, name, e);
    }
    if (!call.isDone()) {
      inFlight.add(call);
      call.addDoneCallback(inFlight::remove);
    }
  }

  // ---------------------------------------------------------------- lifecycle

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
    if (!inLoop()) {
      ready.join(); // the binding task is the loop's first; an error there is rethrown
    }
  }

  /** Binds the loop thread to this portal as its first task. Caller holds the lock. */
  private void startLocked() {
    if (state != PortalState.NEW) {
      return;
    }
    state = PortalState.RUNNING;
    try {
      loop.execute(
          () -> {
            CurrentLoop.bind(this);
            daemon = Thread.currentThread().isDaemon();
            ready.complete(null);
          });
    } catch (RuntimeException | Error e) {
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
      if (state == PortalState.NEW && shutdownCalls.isEmpty()) {
        state = PortalState.TERMINATED;
        ready.complete(null);
        releaseLoop();
        return;
      }
      if (state == PortalState.TERMINATED || state == PortalState.SHUTTING_DOWN) {
        return;
      }
      startLocked();
      state = PortalState.SHUTTING_DOWN;
      loop.execute(this::runShutdownCalls); // behind every call already queued
    } finally {
      lock.unlock();
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
    runShutdownCalls(calls.iterator());
  }

  /** Runs shutdown calls in order on the loop; an async one is awaited without blocking. */
  private void runShutdownCalls(Iterator<Call<?>> remaining) {
    while (remaining.hasNext()) {
      Call<?> call = remaining.next();
      runCall(call);
      if (!call.isDone()) {
        Future<?> grace =
            loop.schedule(
                () -> {
                  if (call.cancel()) {
                    log.warn(
                        "Shutdown call {} of {} did not finish within {}; cancelled it",
                        call,
                        name,
                        shutdownGrace);
                  }
                },
                shutdownGrace.toNanos(),
                TimeUnit.NANOSECONDS);
        call.addDoneCallback(
            done -> {
              grace.cancel(false);
              loop.execute(() -> runShutdownCalls(remaining));
            });
        return;
      }
    }
    finishShutdown();
  }

  private void finishShutdown() {
    NettyPortals.forget(this);
    for (Call<?> call : List.copyOf(inFlight)) {
      call.cancel();
    }
    lock.lock();
    try {
      state = PortalState.TERMINATED;
    } finally {
      lock.unlock();
    }
    CurrentLoop.bind(null);
    releaseLoop();
  }

  private void releaseLoop() {
    if (ownedGroup == null) {
      terminated.countDown();
      return;
    }
    ownedGroup
        .shutdownGracefully(0, shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)
        .addListener(f -> terminated.countDown());
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    Thread t = ownedThread == null ? null : ownedThread.get();
    if (t == null) {
      return true; // a wrapped loop's thread is the user's and goes on; or none was ever made
    }
    // Netty reports termination from the loop thread's last moments: wait for its exit too.
    TimeUnit.NANOSECONDS.timedJoin(t, deadline - System.nanoTime());
    return !t.isAlive();
  }

  @Override
  public boolean isShutdown() {
    return state.isShutdown();
  }

  @Override
  public boolean isRunning() {
    return state.isRunning();
  }

  // ---------------------------------------------------------------- identity

  @Override
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  @Override
  public boolean runsOnlyOn(Thread thread) {
    return loop.inEventLoop(thread);
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
    return "NettyLoopPortal[" + name + "]";
  }
}

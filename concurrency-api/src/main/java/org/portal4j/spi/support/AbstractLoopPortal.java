package org.portal4j.spi.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.ContextKey;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.internal.RuntimeBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of an event loop, on top of {@link AbstractWorkerPortal}'s: sync calls run inline
 * on the loop's thread; an async call runs its function there and is then tracked as in flight
 * until its stage completes, leaving the loop free.
 *
 * <h2>Shutdown</h2>
 *
 * The loop runs the calls queued before {@link #shutdown()}, then its {@linkplain #addShutdownCall
 * shutdown calls} in the order added (an async one is awaited without blocking the loop), then
 * cancels the async calls still in flight, then terminates and forgets its shutdown calls. Each
 * shutdown call is bounded by the loop's shutdown grace, enforced from the runtime's timer thread,
 * so a sync one that blocks is interrupted too: one still unfinished after the grace is cancelled
 * and logged at WARN. Plain tasks ({@link #execute}) are taken until the loop has terminated, so
 * continuations of work in flight still run during the shutdown.
 *
 * <h2>Starting</h2>
 *
 * {@link #start()} returns once {@link #onStart()} has run on the loop, and rethrows its failure;
 * called on a loop's thread (this loop's or another's) it does not wait, so two loops that start
 * each other never deadlock. A loop that fails to start cancels its queued calls and its shutdown
 * calls with the failure as cause.
 *
 * @since 0.1
 */
public abstract class AbstractLoopPortal extends AbstractWorkerPortal implements LoopPortal {

  private static final Logger log = LoggerFactory.getLogger(AbstractLoopPortal.class);

  /** How long shutdown waits for each unfinished shutdown call before cancelling it, by default. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final Duration shutdownGrace;
  private final Set<Call<?>> inFlight = ConcurrentHashMap.newKeySet();

  // guarded by the lifecycle lock (taken through the base class's methods)
  private final List<Call<?>> shutdownCalls = new ArrayList<>();

  /**
   * A loop on a thread of its own, made by {@link #newThread(Runnable)}.
   *
   * @param options name (null: {@code namePrefix-N}), daemon flag, run-once
   * @param namePrefix the prefix of generated names, such as {@code "EventLoopThread"}
   * @param shutdownGrace how long each shutdown call may take at shutdown; huge means forever
   * @throws IllegalArgumentException if {@code shutdownGrace} is null or negative
   */
  protected AbstractLoopPortal(PortalOptions options, String namePrefix, Duration shutdownGrace) {
    super(options, namePrefix);
    this.shutdownGrace = checkGrace(shutdownGrace);
  }

  /**
   * A loop over a single-thread {@code executor}, such as a Netty event loop: its tasks run there
   * one drain at a time. Override {@link #runsOnlyOn(Thread)} to name the executor's thread.
   *
   * @param options name (null: {@code namePrefix-N}), daemon flag, run-once
   * @param namePrefix the prefix of generated names
   * @param executor where the loop's tasks run
   * @param shutdownGrace how long each shutdown call may take at shutdown; huge means forever
   * @throws IllegalArgumentException if {@code shutdownGrace} is null or negative
   */
  protected AbstractLoopPortal(
      PortalOptions options, String namePrefix, Executor executor, Duration shutdownGrace) {
    super(options, namePrefix, executor);
    this.shutdownGrace = checkGrace(shutdownGrace);
  }

  private static Duration checkGrace(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("shutdownGrace must be zero or positive: " + grace);
    }
    return grace;
  }

  /**
   * How long each shutdown call may take at shutdown.
   *
   * @return the grace
   */
  public final Duration shutdownGrace() {
    return shutdownGrace;
  }

  // ---------------------------------------------------------------- taking work

  @Override
  public final void execute(Runnable task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    enqueue(task, true);
  }

  @Override
  public final void addShutdownCall(Call<?> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    locked(
        () -> {
          if (isShutdown()) {
            throw new RejectedExecutionException(
                "Cannot add shutdown call "
                    + call
                    + " to "
                    + name()
                    + ": it is already shutting down");
          }
          call.setRunner(this); // throws if the call has a runner: nothing has changed yet
          shutdownCalls.add(call);
        });
  }

  @Override
  protected void runCall(Call<?> call) {
    call.run();
    if (!call.isDone()) {
      inFlight.add(call);
      call.addDoneCallback(inFlight::remove);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void start() {
    super.start();
    // On a loop's thread, waiting for readiness could wait for the very thread we block.
    if (!inLoop() && Portals.currentLoop().isEmpty()) {
      awaitReady();
    }
  }

  @Override
  public final boolean inLoop() {
    return runsOnlyOn(Thread.currentThread()) || isDrainingThread();
  }

  @Override
  ContextKey.Scope bindThread() {
    return RuntimeBinding.runtime().portalSupport().bindLoop(this);
  }

  @Override
  boolean holdsWorkLocked() {
    return !shutdownCalls.isEmpty(); // promised to run at shutdown: the loop starts for them
  }

  @Override
  List<Call<?>> takeShutdownCallsLocked() {
    List<Call<?>> taken = List.copyOf(shutdownCalls);
    shutdownCalls.clear(); // forgotten once taken
    return taken;
  }

  @Override
  List<Call<?>> inFlight() {
    return List.copyOf(inFlight);
  }

  @Override
  void onShutdown() {
    runShutdownCalls(lockedGet(this::takeShutdownCallsLocked).iterator());
  }

  /** Runs shutdown calls in order on the loop; an async one is awaited without blocking it. */
  private void runShutdownCalls(Iterator<Call<?>> remaining) {
    while (remaining.hasNext()) {
      Call<?> call = remaining.next();
      Future<?> grace =
          RuntimeBinding.runtime()
              .portalSupport()
              .schedule(() -> graceExpired(call), shutdownGrace);
      try {
        runCall(call);
      } catch (Throwable t) {
        log.error("Shutdown call {} threw out of run() on {}", call, name(), t);
      }
      // Abandoned meanwhile (JVM exit): it may have looked for calls in flight before this one got
      // there, so end it and the rest here. Read after runCall put the call in flight: either the
      // abandon found it there, or this sees the abandon.
      Throwable gone = abandonedBy();
      if (gone != null) {
        grace.cancel(false);
        int cancelled = call.cancel(gone) ? 1 : 0;
        warnCancelledSteps(cancelled + cancelAll(remaining, gone));
        return;
      }
      if (!call.isDone()) {
        call.addDoneCallback(
            done -> {
              grace.cancel(false);
              enqueueInternal(new RemainingShutdownCalls(remaining));
            });
        return;
      }
      grace.cancel(false);
    }
    terminate();
  }

  /** The shutdown calls after an async one, run once it is done: or cancelled if they never run. */
  private final class RemainingShutdownCalls extends ShutdownStep {
    private final Iterator<Call<?>> remaining;

    RemainingShutdownCalls(Iterator<Call<?>> remaining) {
      this.remaining = remaining;
    }

    @Override
    void proceed() {
      runShutdownCalls(remaining);
    }

    @Override
    int cancelHeld(Throwable cause) {
      return cancelAll(remaining, cause);
    }

    @Override
    public String toString() {
      return "the shutdown calls of " + name() + " still to run";
    }
  }

  /** Cancels the shutdown calls left in {@code remaining}; returns how many it cancelled. */
  private static int cancelAll(Iterator<Call<?>> remaining, Throwable cause) {
    int cancelled = 0;
    while (remaining.hasNext()) {
      if (remaining.next().cancel(cause)) {
        cancelled++;
      }
    }
    return cancelled;
  }

  private void graceExpired(Call<?> call) {
    if (call.cancel(
        new CallCancelledException(
            "Shutdown call " + call.name() + " of " + name() + " ran past the shutdown grace"))) {
      log.warn(
          "Shutdown call {} of {} did not finish within {}; cancelled it",
          call,
          name(),
          shutdownGrace);
    }
  }

  @Override
  void beforeTerminate() {
    List<Call<?>> abandoned = List.copyOf(inFlight);
    if (abandoned.isEmpty()) {
      return;
    }
    CallCancelledException cause =
        new CallCancelledException(name() + " shut down with the call still in flight");
    for (Call<?> call : abandoned) {
      call.cancel(cause);
    }
  }
}

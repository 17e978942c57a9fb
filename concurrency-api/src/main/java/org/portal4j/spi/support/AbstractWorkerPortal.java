package org.portal4j.spi.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.ContextKey;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.internal.RuntimeBinding;
import org.portal4j.internal.SpinWait;
import org.portal4j.internal.WithdrawableCall;
import org.portal4j.spi.PortalHandle;
import org.portal4j.spi.PortalSupport;
import org.portal4j.spi.ThreadBoundPortal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every portal with a queue of its own shares, written once: a subclass says only
 * where its calls run (a thread of its own, or an {@link Executor} such as a Netty loop or a pool
 * you own) and, if it wants, how a call runs ({@link #runCall}). Modelled on Netty's {@code
 * SingleThreadEventExecutor} and {@code ThreadPoolExecutor.terminated()}.
 *
 * <h2>Lifecycle</h2>
 *
 * One state, written under one lock, read without it. While the portal runs, calls and a loop's
 * plain tasks ({@code execute}) are queued without the lock, and the state is read again after:
 * still running, the task is ahead of any shutdown's marker. Otherwise the lock decides: a call
 * queued behind the marker of the shutdown it raced is refused and given back untouched (the
 * queue's consumers pass over it), one ahead of it runs; a plain task that finds the portal
 * terminated is run by its last drain or refused. Before the portal runs, and for calls that are
 * not the runtime's own, submit decides under the lock.
 *
 * <pre>
 *   NEW ──start() or first submit──► RUNNING ──shutdown()──► SHUTTING_DOWN ──queue drained──► TERMINATED
 *    └────────────────────────shutdown() before start────────────────────────────────────────► TERMINATED
 *   RUNNING ──start-up failed──► TERMINATED   (queued calls cancelled with the failure as cause)
 * </pre>
 *
 * <ul>
 *   <li>{@link #start()} starts the portal exactly once, however many threads call it. Submitting
 *       starts it too.
 *   <li>{@link #submit} either takes the call (sets itself as its runner and queues it) or throws
 *       and leaves the call untouched and the portal as it was: no thread is started. Calls run one
 *       at a time, in submission order.
 *   <li>With {@link PortalOptions#runOnce()} the portal takes one call and shuts itself down behind
 *       it; a second submit throws {@link IllegalStateException}.
 *   <li>{@link #shutdown()} stops taking calls; the queued ones still run, then the portal
 *       terminates. {@link #awaitTermination} waits for that, and for the portal's own thread to
 *       exit.
 *   <li>Every call the portal took ends: by running, or cancelled with the reason as cause when the
 *       portal fails to start, its executor refuses to run it, or the JVM exits with the call still
 *       queued (the runtime then logs one WARN per portal with the count).
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * With a thread of its own ({@link #AbstractWorkerPortal(PortalOptions, String)}), the thread comes
 * from {@link #newThread(Runnable)}, is named after the portal, and parks while the queue is empty;
 * submitting wakes it only when it is parked. Interrupts that reach that thread outside a call are
 * read as wake-ups and cleared before the next call runs, as {@code ThreadPoolExecutor} does. A
 * portal asked not to be a daemon whose thread is one anyway (a virtual thread) keeps the JVM alive
 * with a shared non-daemon keeper thread until it terminates.
 *
 * <p>Over an executor ({@link #AbstractWorkerPortal(PortalOptions, String, Executor)}), the portal
 * hands the executor one drain task at a time, which runs queued calls in order; calls never run
 * concurrently, whatever the executor's size. An interrupt that reaches the executor's thread
 * between the portal's tasks is not the next call's: the drain holds it back from the calls and
 * gives it back to the thread when it returns, since the thread is the executor's. An executor that
 * refuses a drain ends the calls queued at that moment, cancelled with the refusal as cause.
 *
 * <p>The lock is never held while code the portal does not own runs: calls, hooks, the thread
 * factory, the executor.
 *
 * @since 0.1
 */
public abstract class AbstractWorkerPortal implements WorkerPortal, ThreadBoundPortal {

  private static final Logger log = LoggerFactory.getLogger(AbstractWorkerPortal.class);
  private static final ConcurrentHashMap<String, AtomicInteger> GENERATED_NAMES =
      new ConcurrentHashMap<>();

  /** The message of the {@link IllegalStateException} for a second submit to a run-once portal. */
  public static final String RUN_ONCE_MESSAGE =
      "Worker configured to only run once. A call has already been submitted.";

  /** How many tasks one drain runs on an executor before it lets the executor do other work. */
  private static final int DRAIN_BATCH = 1024;

  private enum State {
    NEW,
    RUNNING,
    SHUTTING_DOWN,
    TERMINATED;

    boolean isShutdown() {
      return this == SHUTTING_DOWN || this == TERMINATED;
    }
  }

  private final String name;
  private final boolean daemon;
  private final boolean runOnce;
  private final @Nullable Executor executor; // null: a thread of its own

  /**
   * What the portal's thread runs, in order: calls themselves (no wrapper per call) and plain tasks
   * ({@link Runnable}s that are not calls: see {@link #enqueue}).
   */
  private final TaskQueue tasks;

  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicBoolean ended = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final Handle handle = new Handle();

  // written under lock; read anywhere
  private volatile State state = State.NEW;
  private boolean submitted; // guarded by lock; run-once portals only

  /** The queue's consumer took its last task: nothing offered now will run. Guarded by lock. */
  private boolean drained;

  /**
   * The queue index of the shutdown's marker, written under the lock as the marker is queued; no
   * shutdown yet: {@link Long#MAX_VALUE}. A call queued behind it raced the shutdown and lost.
   */
  private volatile long shutdownIndex = Long.MAX_VALUE;

  /**
   * The queue's consumer took the shutdown's marker: a call it takes now was queued behind it, and
   * its submitter refuses it (see {@link #submitRunning}).
   */
  private volatile boolean pastShutdown;

  /** The portal's own thread, once made (a thread of its own only). */
  private volatile @Nullable Thread thread;

  /**
   * {@link #thread}, as {@link #thread()} answers: made once, as the deadlock check asks on every
   * waited call.
   */
  private volatile Optional<Thread> threadView = Optional.empty();

  /** The thread running this portal's tasks right now (over an executor only). */
  private volatile @Nullable Thread draining;

  /** The call whose run() is on the stack right now: written per call, so off the shared line. */
  private final RunningCallSlot running = RunningCallSlot.create();

  /** A thread of its own: how it parks while the queue is empty, and how a submitter wakes it. */
  private final IdleWake idle = new IdleWake();

  /** A thread of its own: whether it has a task, or has ended, as it is about to park. */
  private final BooleanSupplier taskOrEnd = this::hasTaskOrEnded;

  /** Over an executor: what it runs for each drain after the first, made once. */
  private final Runnable drainTask = this::drain;

  /** Over an executor: a drain is queued on it or running, so no other may be. Start holds it. */
  private final AtomicBoolean drainScheduled = new AtomicBoolean(true);

  /**
   * Why it was abandoned, at JVM exit ({@link PortalHandle#abandon}) or when its executor refused
   * its shutdown: its queued calls were cancelled where they are, and its other tasks must not run
   * (the shutdown steps that hold calls end them instead). Null while it is not.
   */
  private volatile @Nullable Throwable abandonedBy;

  private volatile boolean keepingAlive;
  private volatile PortalSupport.@Nullable Registration registration;

  /**
   * A portal that runs its calls on a thread of its own, made by {@link #newThread(Runnable)} when
   * the portal starts.
   *
   * @param options name (null: {@code namePrefix-N}), daemon flag, run-once
   * @param namePrefix the prefix of generated names, such as {@code "WorkerThread"}
   * @throws NullPointerException if an argument is null
   */
  protected AbstractWorkerPortal(PortalOptions options, String namePrefix) {
    this(options, namePrefix, null, false);
  }

  /**
   * A portal that runs its calls on {@code executor}, one drain task at a time. The executor stays
   * the caller's: the portal never shuts it down. {@link #isDaemon()} reports the option, but
   * whether the executor's threads keep the JVM alive is the executor's business.
   *
   * @param options name (null: {@code namePrefix-N}), daemon flag, run-once
   * @param namePrefix the prefix of generated names
   * @param executor where drains run
   * @throws NullPointerException if an argument is null
   */
  protected AbstractWorkerPortal(PortalOptions options, String namePrefix, Executor executor) {
    this(options, namePrefix, requireNonNull(executor, "executor"), true);
  }

  private AbstractWorkerPortal(
      PortalOptions options, String namePrefix, @Nullable Executor executor, boolean overExecutor) {
    requireNonNull(options, "options");
    requireNonNull(namePrefix, "namePrefix");
    this.name =
        options.name() != null
            ? options.name()
            : namePrefix
                + "-"
                + GENERATED_NAMES
                    .computeIfAbsent(namePrefix, prefix -> new AtomicInteger())
                    .incrementAndGet();
    this.daemon = options.daemon();
    this.runOnce = options.runOnce();
    this.tasks = new TaskQueue(runOnce ? TaskQueue.FEW_TASKS_CHUNK_SIZE : TaskQueue.CHUNK_SIZE);
    this.executor = executor;
  }

  private static <T> T requireNonNull(@Nullable T value, String what) {
    if (value == null) {
      throw new NullPointerException(what);
    }
    return value;
  }

  // ---------------------------------------------------------------- hooks

  /**
   * Makes the portal's thread (a thread of its own only), not started, running {@code body}. By
   * default a platform thread named after the portal with its daemon flag. Override to make another
   * kind, such as {@code Thread.ofVirtual().name(name()).unstarted(body)}; keep the name.
   *
   * @param body what the thread must run
   * @return the unstarted thread
   */
  protected Thread newThread(Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(daemon);
    return t;
  }

  /**
   * Runs on the portal's thread (or in its first drain) before the first call. A throw fails the
   * start: the portal terminates and the calls it took are cancelled with the failure as cause.
   * Does nothing by default.
   *
   * @throws Exception a start-up failure
   */
  protected void onStart() throws Exception {}

  /**
   * Runs one call on the portal's thread. By default {@code call.run()}; a throw is logged and the
   * portal goes on.
   *
   * @param call the call, whose runner is this portal
   */
  protected void runCall(Call<?> call) {
    call.run();
  }

  /**
   * Runs once, on the portal's thread, after the portal terminated and before {@link
   * #awaitTermination} returns: release what the portal owns here. Also after a failed start. Does
   * nothing by default; a throw is logged.
   */
  protected void onTerminated() {}

  // package-private hooks for AbstractLoopPortal

  /** On the portal's thread when the queued calls ahead of the shutdown ran. */
  void onShutdown() {
    terminate();
  }

  /** Just before the portal terminates, on its thread. */
  void beforeTerminate() {}

  /** Shutdown calls that will never run now; the lock is held. */
  List<Call<?>> takeShutdownCallsLocked() {
    return List.of();
  }

  /** Calls in flight that the portal would cancel at shutdown. */
  List<Call<?>> inFlight() {
    return List.of();
  }

  /** Binds the thread that runs this portal's tasks, while it runs them. */
  ContextKey.Scope bindThread() {
    return () -> {};
  }

  /** Runs {@code action} under the lifecycle lock; it must not run code the portal does not own. */
  final void locked(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /** Like {@link #locked(Runnable)}, returning what {@code action} returns. */
  final <T extends @Nullable Object> T lockedGet(java.util.function.Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- taking work

  @Override
  public final <T extends @Nullable Object> Call<T> submit(Call<T> call) {
    requireNonNull(call, "call");
    if (state == State.RUNNING && !runOnce && call instanceof WithdrawableCall) {
      submitRunning(call, (WithdrawableCall) call);
      return call;
    }
    boolean launch;
    lock.lock();
    try {
      // A run-once portal shuts itself down as it takes its call: say why the second is refused.
      if (runOnce && submitted) {
        throw new IllegalStateException(RUN_ONCE_MESSAGE);
      }
      if (state.isShutdown()) {
        throw new RejectedExecutionException(
            "Cannot submit " + call + " to " + name + ": it has been shut down");
      }
      call.setRunner(this); // throws if the call has a runner: nothing has changed yet
      if (runOnce) {
        submitted = true; // written only when read: the line it is on is every submitter's
      }
      tasks.offer(call);
      launch = markStartedLocked();
      if (runOnce) {
        shutdownLocked();
      }
    } finally {
      lock.unlock();
    }
    afterEnqueue(launch);
    return call;
  }

  /**
   * Takes a call while the portal runs, without the lock: the call is offered, then the state read
   * again. Still running then, a shutdown came after the offer, so its marker is queued behind the
   * call, which runs before it. Otherwise {@link #settleLate} decides under the lock.
   */
  private void submitRunning(Call<?> call, WithdrawableCall withdrawable) {
    call.setRunner(this); // throws if the call has a runner: nothing has changed yet
    long index;
    try {
      index = tasks.offer(call);
    } catch (Throwable t) { // out of memory or stack: not queued
      withdrawable.withdrawFrom(this);
      throw t;
    }
    if (state != State.RUNNING) {
      settleLate(call, withdrawable, index);
    }
    wake();
  }

  /**
   * A call offered without the lock found the portal no longer running. Behind the shutdown's
   * marker, it is refused: the consumers pass over it, and it is given back untouched. Ahead of it
   * (or with no shutdown: the portal failed to start, or was abandoned), the portal took it, and it
   * must end: a consumer still to come takes it; an abandon may have looked before the offer, so it
   * is cancelled here too. In a queue marked drained nothing takes anything, so this takes what is
   * left and ends it, as {@link #refuseIfDrained} does.
   *
   * @throws RejectedExecutionException if the call was queued behind the shutdown's marker
   */
  private void settleLate(Call<?> call, WithdrawableCall withdrawable, long index) {
    boolean refused;
    List<Object> left = List.of();
    lock.lock();
    try {
      refused = index > shutdownIndex;
      if (drained) {
        left = takeLeftLocked();
      }
    } finally {
      lock.unlock();
    }
    if (refused) {
      withdrawable.withdrawFrom(this); // first: whatever happens next, the call is left untouched
    }
    endLeft(left);
    if (refused) {
      throw new RejectedExecutionException(
          "Cannot submit " + call + " to " + name + ": it has been shut down");
    }
    Throwable gone = abandonedBy;
    if (gone != null) {
      cancelAbandoned(call, gone);
    }
  }

  /**
   * Cancels a call queued as the portal was abandoned, after the abandon looked at the queue: by
   * its submitter, or by the portal's thread if it gets there first (it must not run it: the JVM is
   * exiting). Whichever cancels it counts it.
   */
  private void cancelAbandoned(Call<?> call, Throwable cause) {
    if (call.cancel(cause)) {
      log.warn("{} cancelled 1 call(s) queued as it was abandoned: {}", name, cause.getMessage());
    }
  }

  /**
   * Ends tasks left in a queue marked drained, and counts them in a WARN; calls are cancelled with
   * why nothing took them: the abandon, the start-up failure, or else the termination.
   */
  private void endLeft(List<Object> left) {
    if (left.isEmpty()) {
      return;
    }
    Throwable gone = abandonedBy;
    Throwable cause =
        gone != null
            ? gone
            : ready.isCompletedExceptionally()
                ? ready.handle((value, error) -> error).join()
                : new RejectedExecutionException(name + " terminated as they were queued");
    Tally ended = new Tally();
    for (Object task : left) {
      ended.end(task, cause);
    }
    if (ended.cancelled == 0) { // the message since 0.1, which log alerts may match
      log.warn("{} dropped {} task(s) queued as it terminated", name, ended.dropped);
    } else {
      log.warn(
          "{} cancelled {} call(s) and dropped {} task(s) queued as it terminated",
          name,
          ended.cancelled,
          ended.dropped);
    }
  }

  /**
   * Takes what is left in a queue marked drained, leaving out the calls queued behind the
   * shutdown's marker: their submitters refuse them. Under the lock, the only one taking.
   */
  private List<Object> takeLeftLocked() {
    List<Object> left = new ArrayList<>();
    for (Object t = tasks.poll(); t != null; t = tasks.poll()) {
      if (!(t instanceof Call) || tasks.taken() - 1 < shutdownIndex) {
        left.add(t);
      }
    }
    return left;
  }

  /**
   * Whether the consumer just took a call queued behind the shutdown's marker, which nothing here
   * may touch: its submitter refuses it. Notes the marker as it passes.
   */
  private boolean refusedOnArrival(Object task) {
    if (task instanceof ShutdownMarker) {
      pastShutdown = true;
      return false;
    }
    return pastShutdown && task instanceof Call;
  }

  /**
   * Queues a task while the portal takes tasks: for subclasses whose tasks are accepted longer than
   * calls (a loop runs plain tasks until it terminates).
   *
   * @param task the task
   * @param untilTerminated whether to accept while shutting down
   * @throws RejectedExecutionException if the portal takes no more tasks
   */
  final void enqueue(Runnable task, boolean untilTerminated) {
    if (untilTerminated) {
      // Without the lock while the portal runs: the task is offered, then the state read again.
      // Not terminated then: the last drain, which begins after the state changed, runs it.
      State s = state;
      if (s == State.RUNNING || s == State.SHUTTING_DOWN) {
        tasks.offer(task);
        if (state == State.TERMINATED) {
          refuseIfDrained(task);
        }
        wake();
        return;
      }
    }
    boolean launch;
    lock.lock();
    try {
      State s = state;
      if (s == State.TERMINATED || (!untilTerminated && s.isShutdown())) {
        throw new RejectedExecutionException(
            "Cannot run "
                + task
                + " on "
                + name
                + (s == State.TERMINATED ? ": it has terminated" : ": it has been shut down"));
      }
      tasks.offer(task); // never a Call: Call.run() and Runnable.run() differ in their result
      launch = markStartedLocked();
    } finally {
      lock.unlock();
    }
    afterEnqueue(launch);
  }

  /**
   * A task was offered as the portal terminated. If the last drain has not marked the queue drained
   * yet, it looks once more under the lock before it does, and runs the task. If it has, nothing
   * will run what is left: the caller takes it all off the queue (under the lock, the only one
   * taking), refuses its own task if it finds it, and counts the rest in a WARN (the tasks of other
   * callers racing the same end).
   *
   * @throws RejectedExecutionException if {@code task} will never run
   */
  private void refuseIfDrained(Runnable task) {
    List<Object> late;
    lock.lock();
    try {
      if (!drained) {
        return;
      }
      late = takeLeftLocked();
    } finally {
      lock.unlock();
    }
    boolean mine = late.removeIf(t -> t == task);
    endLeft(late);
    if (mine) {
      throw new RejectedExecutionException(
          "Cannot run " + task + " on " + name + ": it has terminated");
    }
  }

  /**
   * Marks the queue drained if it is empty: its consumer will take nothing more. Under the lock, so
   * that a task offered as the portal terminated is either seen here (and run) or refused by its
   * submitter ({@link #refuseIfDrained}).
   *
   * @return whether it was empty and is now marked
   */
  private boolean markDrained() {
    lock.lock();
    try {
      if (tasks.isEmpty()) {
        drained = true;
      }
      return drained;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The consumer's last drain, once the portal terminated: runs what is queued until the queue is
   * marked drained.
   *
   * @return whether it held back an interrupt of an executor's thread
   */
  private boolean lastDrain() {
    boolean heldBack = false;
    do {
      heldBack |= runTasks(Integer.MAX_VALUE);
    } while (!markDrained());
    return heldBack;
  }

  /**
   * Queues a step of the portal's own shutdown sequence; it runs unless the portal was abandoned,
   * and then ends the calls it holds. Offered, then the abandon looked for: an abandon either finds
   * the step in the queue or is seen here, and the step's claim makes sure one of them ends it.
   */
  final void enqueueInternal(ShutdownStep step) {
    tasks.offer(step);
    Throwable gone = abandonedBy;
    if (gone != null) {
      warnCancelledSteps(step.abandon(gone)); // the portal's thread may be gone: end it here
    } else {
      wake();
    }
  }

  /** Why the portal was abandoned, or null if it was not. */
  final @Nullable Throwable abandonedBy() {
    return abandonedBy;
  }

  final void warnCancelledSteps(int cancelled) {
    if (cancelled > 0) {
      log.warn("{} cancelled {} shutdown call(s) it was abandoned before running", name, cancelled);
    }
  }

  private void afterEnqueue(boolean launch) {
    if (launch) {
      launch();
    } else {
      wake();
    }
  }

  /** Guarded by lock: NEW becomes RUNNING; returns whether the caller must launch. */
  boolean markStartedLocked() {
    if (state != State.NEW) {
      return false;
    }
    state = State.RUNNING;
    return true;
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public void start() {
    boolean launch;
    lock.lock();
    try {
      if (state.isShutdown()) {
        if (ready.isCompletedExceptionally()) {
          throw startFailure();
        }
        throw new RejectedExecutionException("Cannot start " + name + ": it has been shut down");
      }
      launch = markStartedLocked();
    } finally {
      lock.unlock();
    }
    if (launch && !launch()) {
      throw startFailure();
    }
  }

  /**
   * Starts the thread or the first drain; on failure ends the portal. Outside the lock.
   *
   * @return false if the start failed
   */
  private boolean launch() {
    try {
      registration = support().register(handle);
      if (executor == null) {
        Thread t = newThread(this::threadBody);
        if (!daemon && t.isDaemon()) {
          KeepAlive.acquire();
          keepingAlive = true;
        }
        threadView = Optional.of(t);
        thread = t;
        t.start();
      } else {
        executor.execute(this::firstDrain);
      }
      return true;
    } catch (Throwable t) {
      failStart(t);
      return false;
    }
  }

  /** The start failed: nothing the portal took will run, so it all ends with the failure. */
  private void failStart(Throwable failure) {
    // Recorded before the state says terminated, so a start() that sees the state rethrows it.
    ready.completeExceptionally(failure);
    List<Call<?>> shutdownCalls = terminateAbruptly();
    log.error("{} failed to start", name, failure);
    Tally ended = new Tally();
    do {
      endQueued(failure, ended);
    } while (!markDrained());
    for (Call<?> call : shutdownCalls) {
      ended.cancel(call, failure);
    }
    if (ended.dropped > 0) {
      log.warn(
          "{} cancelled {} call(s) and dropped {} task(s) it had taken: it failed to start",
          name,
          ended.cancelled,
          ended.dropped);
    } else if (ended.cancelled > 0) { // the message since 0.1, which log alerts may match
      log.warn("{} cancelled {} call(s) it had taken: it failed to start", name, ended.cancelled);
    }
    end();
  }

  /**
   * Terminates at once, skipping the shutdown sequence: nothing more is taken.
   *
   * @return the shutdown calls, which will not run now
   */
  private List<Call<?>> terminateAbruptly() {
    lock.lock();
    try {
      state = State.TERMINATED;
      return takeShutdownCallsLocked();
    } finally {
      lock.unlock();
    }
  }

  /** The portal's start-up failure as something to throw. */
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

  /**
   * Waits until the portal's {@link #onStart()} has run, and rethrows its failure. For loops, whose
   * {@code start()} returns once the loop is ready.
   */
  final void awaitReady() {
    if (!ready.isDone()) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(new InterruptedException(), "waiting for " + name + " to start");
      }
      try {
        ready.get();
      } catch (InterruptedException e) {
        throw interrupted(e, "waiting for " + name + " to start");
      } catch (Exception e) {
        // reported below
      }
    }
    if (ready.isCompletedExceptionally()) {
      throw startFailure();
    }
  }

  private static CompletionException interrupted(InterruptedException e, String what) {
    Thread.currentThread().interrupt();
    return new CompletionException("Interrupted while " + what, e);
  }

  @Override
  public void shutdown() {
    Transition next;
    lock.lock();
    try {
      next = shutdownLocked();
    } finally {
      lock.unlock();
    }
    switch (next) {
      case LAUNCH:
        launch();
        break;
      case END:
        ready.complete(null); // never started: nothing will ever run here
        end();
        break;
      default:
        wake();
    }
  }

  /** What the caller of {@link #shutdownLocked()} does once it let go of the lock. */
  private enum Transition {
    LAUNCH,
    END,
    WAKE
  }

  /**
   * Guarded by lock. A new portal terminates at once, unless it holds work that was promised to run
   * (a loop's shutdown calls): then it starts and shuts down behind that work.
   */
  private Transition shutdownLocked() {
    Transition next = Transition.WAKE;
    if (state == State.NEW) {
      if (!holdsWorkLocked()) {
        state = State.TERMINATED;
        return Transition.END;
      }
      markStartedLocked();
      next = Transition.LAUNCH;
    }
    if (state == State.RUNNING) {
      // The state first: a submitter that offers behind the marker then finds it changed.
      state = State.SHUTTING_DOWN;
      shutdownIndex = tasks.offer(new ShutdownMarker());
    }
    return next;
  }

  /** Whether a portal that never started holds work it promised to run; the lock is held. */
  boolean holdsWorkLocked() {
    return false;
  }

  /**
   * Ends the shutdown sequence on the portal's thread: the portal terminates, and runs the tasks
   * still queued (none of them a call: calls are refused from the shutdown on).
   */
  final void terminate() {
    beforeTerminate();
    lock.lock();
    try {
      state = State.TERMINATED;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    Deadline deadline = Deadline.after(requireNonNull(timeout, "timeout"));
    if (terminated.getCount() > 0 && runsOnlyOn(Thread.currentThread())) {
      throw new IllegalStateException(
          "Cannot await the termination of "
              + name
              + " on its own thread: it would wait for itself");
    }
    if (!deadline.await(terminated)) {
      return false;
    }
    Thread t = thread; // the latch opens in the thread's last moments: wait for its exit too
    return t == null || t == Thread.currentThread() || deadline.join(t);
  }

  /** The portal is done for good: releases what it holds and lets awaitTermination return. */
  private void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      onTerminated();
    } catch (Throwable t) {
      log.error("onTerminated() of {} threw", name, t);
    }
    PortalSupport.Registration r = registration;
    if (r != null) {
      r.close();
    }
    if (keepingAlive) {
      KeepAlive.release();
    }
    terminated.countDown();
  }

  @Override
  public final boolean isShutdown() {
    return state.isShutdown();
  }

  @Override
  public final boolean isRunning() {
    State s = state;
    return s == State.RUNNING || s == State.SHUTTING_DOWN;
  }

  /**
   * Whether the portal has terminated: shut down, its queue drained, its shutdown done.
   *
   * @return true once terminated
   */
  public final boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public final boolean isDaemon() {
    return daemon;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final void close() {
    shutdown();
  }

  /**
   * Whether calls submitted here can only run on {@code candidate}: the portal's own thread. A
   * portal over an executor runs on whichever thread the executor picks, so by default none; a
   * subclass over a single-thread executor should say which.
   */
  @Override
  public boolean runsOnlyOn(Thread candidate) {
    return executor == null && candidate != null && candidate == thread;
  }

  /**
   * The portal's own thread once made; over an executor, the thread running its tasks right now.
   */
  @Override
  public Optional<Thread> thread() {
    return executor == null ? threadView : Optional.ofNullable(draining);
  }

  /** Whether the current thread is running this portal's tasks right now. */
  final boolean isDrainingThread() {
    Thread me = Thread.currentThread();
    return executor == null ? me == thread : me == draining;
  }

  @Override
  public String toString() {
    String simple = getClass().getSimpleName();
    return (simple.isEmpty() ? "Portal" : simple) + "[" + name + "]";
  }

  // ---------------------------------------------------------------- the consumer

  /** Wakes whatever drains the queue, if it may be idle. Never under the lock. */
  private void wake() {
    if (executor == null) {
      idle.wake();
    } else if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
      scheduleDrain();
    }
  }

  private void threadBody() {
    try (ContextKey.Scope bound = bindThread()) {
      if (begin()) {
        consume();
      }
    } finally {
      end();
    }
  }

  private boolean begin() {
    try {
      onStart();
    } catch (Throwable t) {
      failStart(t);
      return false;
    }
    ready.complete(null);
    return true;
  }

  /** A thread of its own: runs tasks, parking while there are none, until terminated. */
  private void consume() {
    while (true) {
      runTasks(Integer.MAX_VALUE);
      if (state == State.TERMINATED) {
        lastDrain(); // accepted before the state changed, or racing it
        return;
      }
      if (spinForTasks()) {
        continue;
      }
      idle.parkUnless(taskOrEnd, this, 0);
    }
  }

  private boolean hasTaskOrEnded() {
    return !tasks.isEmpty() || state == State.TERMINATED;
  }

  /**
   * Looks again for a task briefly before the thread parks ({@link SpinWait}): a submitter that
   * hands over the next task within that time need not wake the thread. It looks at every 16th
   * pause only: a look reads the queue's tail, which a busy submitter writes, and looking at every
   * pause slowed such a submitter by a third (FireAndForgetBenchmark).
   *
   * @return whether a task came, or the portal terminated
   */
  private boolean spinForTasks() {
    for (int spins = SpinWait.SPINS; spins > 0; spins--) {
      Thread.onSpinWait();
      if ((spins & 15) == 0 && (!tasks.isEmpty() || state == State.TERMINATED)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs up to {@code budget} queued tasks on this thread. An interrupt found set before a task
   * reached the thread outside any call, so it is not that task's: on a thread of our own it was a
   * wake-up and is dropped; on an executor's thread it is held back, and the caller gives it back.
   *
   * @return whether it held back an interrupt of an executor's thread
   */
  private boolean runTasks(int budget) {
    boolean heldBack = false;
    for (int ran = 0; ran < budget; ran++) {
      Object task = tasks.poll();
      if (task == null) {
        break;
      }
      if (refusedOnArrival(task)) {
        continue;
      }
      if (Thread.interrupted() && executor != null) {
        heldBack = true;
      }
      try {
        if (task instanceof Call) {
          Call<?> call = (Call<?>) task;
          Throwable gone = abandonedBy;
          if (gone != null) { // queued after the abandon looked: not to run as the JVM exits
            cancelAbandoned(call, gone);
            continue;
          }
          running.set(call);
          try {
            runCall(call);
          } finally {
            running.set(null);
          }
        } else {
          Throwable gone = abandonedBy;
          if (gone == null) {
            ((Runnable) task).run();
          } else if (task instanceof ShutdownStep) {
            warnCancelledSteps(((ShutdownStep) task).abandon(gone));
          }
        }
      } catch (Throwable t) {
        log.error("Task {} threw on {}", task, name, t);
      }
    }
    return heldBack;
  }

  private void firstDrain() {
    boolean started;
    try (ContextKey.Scope bound = bindThread()) {
      draining = Thread.currentThread();
      started = begin();
    } finally {
      draining = null;
    }
    if (started) {
      drain();
    } else {
      end();
    }
  }

  /**
   * Over an executor: one drain, then hand the queue back (or reschedule if it is not empty). An
   * interrupt of the executor's thread held back from the calls is given back with the thread: its
   * owner decides what it means.
   */
  private void drain() {
    boolean over;
    boolean heldBack = false;
    try (ContextKey.Scope bound = bindThread()) {
      draining = Thread.currentThread();
      heldBack = runTasks(DRAIN_BATCH);
      over = state == State.TERMINATED;
      if (over) {
        heldBack |= lastDrain();
      }
    } finally {
      draining = null;
    }
    try {
      if (over) {
        end(); // the drain baton is kept for good: nothing runs here any more
        return;
      }
      drainScheduled.set(false);
      if (!tasks.isEmpty() && drainScheduled.compareAndSet(false, true)) {
        scheduleDrain();
      }
    } finally {
      if (heldBack) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void scheduleDrain() {
    // only a portal over an executor drains, so it is never null here
    Executor drainer = requireNonNull(executor, "executor");
    while (true) {
      try {
        drainer.execute(drainTask);
        return;
      } catch (Throwable refused) {
        if (!drainRefused(refused)) {
          return;
        }
      }
    }
  }

  /**
   * The executor will not run a drain: end what is queued, and the portal if it was ending.
   *
   * @return whether tasks queued meanwhile gave the drain back to the caller, to try again
   */
  private boolean drainRefused(Throwable refused) {
    Tally ended = new Tally();
    endQueued(refused, ended);
    boolean ending = ended.shutdownPending || state == State.TERMINATED;
    if (ending) {
      abandonedBy = refused;
      cancelUnqueued(terminateAbruptly(), refused, ended);
      while (!markDrained()) { // what got in meanwhile will not run either
        endQueued(refused, ended);
      }
    }
    log.warn(
        "The executor of {} refused to run its calls: cancelled {} call(s), dropped {} task(s)",
        name,
        ended.cancelled,
        ended.dropped,
        refused);
    if (ending) {
      end();
      return false;
    }
    drainScheduled.set(false); // the next submit tries the executor again
    // A task queued after the last poll above found the drain held and scheduled none: take the
    // drain back for it, or it would wait for the next submit.
    return !tasks.isEmpty() && drainScheduled.compareAndSet(false, true);
  }

  /**
   * Ends every task still queued, taking them off the queue: calls are cancelled with {@code
   * cause}, other tasks dropped, and {@code ended} counts both. Only for the queue's consumer: the
   * portal's thread failing to start, the one that launched it when it could not start at all, or
   * the one whose executor refused a drain.
   */
  private void endQueued(Throwable cause, Tally ended) {
    for (Object task = tasks.poll(); task != null; task = tasks.poll()) {
      if (!refusedOnArrival(task)) {
        ended.end(task, cause);
      }
    }
  }

  /** Cancels the calls that are not in the queue: the shutdown calls given, in flight, running. */
  private void cancelUnqueued(List<Call<?>> shutdownCalls, Throwable cause, Tally ended) {
    List<Call<?>> rest = new ArrayList<>(shutdownCalls);
    rest.addAll(inFlight());
    Call<?> current = running.get();
    if (current != null) {
      rest.add(current);
    }
    for (Call<?> call : rest) {
      ended.cancel(call, cause);
    }
  }

  /**
   * What ending tasks that will not run did, for the WARN that counts them: calls cancelled, other
   * tasks dropped, and whether the shutdown's own marker was among them (not counted: the portal's
   * own).
   */
  private static final class Tally {
    int cancelled;
    int dropped;
    boolean shutdownPending;

    void end(Object task, Throwable cause) {
      if (task instanceof Call) {
        cancel((Call<?>) task, cause);
      } else if (task instanceof ShutdownStep) {
        cancelled += ((ShutdownStep) task).abandon(cause);
        shutdownPending = true;
      } else if (task instanceof ShutdownMarker) {
        shutdownPending = true;
      } else {
        dropped++;
      }
    }

    void cancel(Call<?> call, Throwable cause) {
      if (call.cancel(cause)) {
        cancelled++;
      }
    }
  }

  private static PortalSupport support() {
    return RuntimeBinding.runtime().portalSupport();
  }

  /** Queued by shutdown(): every call queued before it has run when it runs. */
  private final class ShutdownMarker implements Runnable {
    @Override
    public void run() {
      onShutdown();
    }

    @Override
    public String toString() {
      return "shutdown of " + name;
    }
  }

  /** What the runtime holds on this portal while it is live. */
  private final class Handle implements PortalHandle {
    @Override
    public Portal portal() {
      return AbstractWorkerPortal.this;
    }

    @Override
    public Optional<Thread> thread() {
      return AbstractWorkerPortal.this.thread();
    }

    @Override
    public List<Call<?>> calls() {
      List<Call<?>> calls = new ArrayList<>();
      Call<?> current = running.get();
      if (current != null) {
        calls.add(current);
      }
      // weakly consistent: never blocks the portal; without the calls their submitters refuse
      long end = shutdownIndex;
      tasks.forEachQueued(
          (index, task) -> {
            if (task instanceof Call && index < end) {
              calls.add((Call<?>) task);
            }
          });
      calls.addAll(inFlight());
      return calls;
    }

    @Override
    public int abandon(Throwable cause) {
      abandonedBy = cause;
      List<Call<?>> shutdownCalls = terminateAbruptly();
      // Ended where they are: the portal's thread may be polling the queue right now, and it is
      // the queue's only consumer. If it still runs, it finds the calls ended and skips them, and
      // runs no other task (abandoned).
      Tally ended = new Tally();
      // Ahead of the shutdown's marker, or every task if there was none (behind it, the calls are
      // their submitters' to refuse, and other tasks would not run either). Read after the state
      // changed: a submitter that offered later finds the state changed, and cancels its own.
      long end = shutdownIndex;
      tasks.forEachQueued(
          (index, task) -> {
            if (!(task instanceof Call) || index < end) {
              ended.end(task, cause);
            }
          });
      cancelUnqueued(shutdownCalls, cause, ended);
      if (ended.dropped > 0) { // the calls are the caller's to count
        log.warn(
            "{} dropped {} queued task(s), which will not run: {}",
            name,
            ended.dropped,
            cause.getMessage());
      }
      wake(); // a parked thread sees TERMINATED and ends
      return ended.cancelled;
    }

    @Override
    public String toString() {
      return AbstractWorkerPortal.this.toString();
    }
  }
}

package org.portal4j.services;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.internal.RuntimeBinding;
import org.portal4j.spi.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every queue service shares: one running instance per (class, key), a lock-free queue fed
 * from any thread, one consumer driven on the {@linkplain Portals#globalLoop() global loop}, and a
 * lifecycle that loses nothing. Extend {@link QueueService}, {@link BatchedQueueService} or {@link
 * FutureQueueService}; this class is sealed because its consumer hooks are internal.
 *
 * <h2>Lifecycle</h2>
 *
 * One state, with every transition in this table; the gate ({@link ServiceGate}: whether items are
 * taken) and the consumer ({@link ConsumerDriver}: one turn at a time on the loop) follow it:
 *
 * <pre>
 *   from      to        when                                              gate     consumer
 *   NEW       RUNNING   instance(): made, checked, published              opens    waits for onStart
 *   NEW       STOPPED   lost the race to be published, or stopped unseen  closed   never runs
 *   RUNNING   STOPPING  drain*(), the loop's shutdown call, loop lost     closes   drains what was taken
 *   RUNNING   FAILED    onStart failed, or no loop to run on              closes   abandons what was taken
 *   STOPPING  STOPPED   sealed gate, empty queue, onStop done             closed   keeps the baton: ends
 *   FAILED    FAILED    the same end, without onStop                      closed   keeps the baton: ends
 * </pre>
 *
 * <ul>
 *   <li>{@link #instance(Class, Object, Supplier)} returns the running instance for the class and
 *       key, or makes one with the factory and starts it. It never blocks, also on the global loop
 *       itself. A STOPPING, STOPPED or FAILED instance is replaced by a fresh one.
 *   <li>Once started, {@link #onStart()} runs on the loop before the first item; items sent
 *       meanwhile wait in the queue.
 *   <li>Draining closes the gate (sending then throws {@link IllegalStateException}), handles every
 *       item accepted before, runs {@link #onStop()}, and stops. A stopped service keeps no queue,
 *       task, timer or callback alive and is no longer reachable from portal4j.
 *   <li>When the global loop shuts down, the services running on it are drained first (bounded by
 *       the loop's shutdown grace). At JVM exit the runtime's shutdown hook shuts the global loop
 *       down, so the services drain, bounded by the system property {@code portal4j.exitTimeout}
 *       (or {@code portal4j.services.exitTimeout}; milliseconds or an ISO-8601 duration; default 10
 *       s). Items a service can no longer handle (its loop went away before it drained, or its
 *       {@link #onStart()} failed) are logged at WARN with their count; a {@link
 *       FutureQueueService} fails their futures.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * Sending, and the drop hook, run on the sender's thread and never wait for the consumer. Handling
 * and the lifespan hooks run on the global loop thread, one at a time: a hook that returns an
 * incomplete {@link CompletionStage} keeps the consumer busy, without holding the loop, until the
 * stage completes. A handler that blocks blocks the global loop, so blocking work must be handed
 * off, for example with {@link org.portal4j.FromAsync#callInNewThread(Callable)}, whose future is a
 * fine stage to return. Handlers that never complete their stage stop their service from draining;
 * {@link #drainAll} and the exit hook are bounded, {@link #drain()} is not.
 *
 * <p>Blocking waits ({@link #drain()}, {@link #waitUntilEmpty()}, {@link #drainAll}) called on the
 * global loop thread would wait for the thread they block, so they throw {@link
 * IllegalStateException} there; use {@link #drainAsync()}. An interrupt ends them with a {@link
 * CompletionException} caused by the {@link InterruptedException}, flag still set, like {@link
 * org.portal4j.Call#result()}; the drain they started goes on.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions of a thread before it sends an item happen-before that item is handled. Handling an item
 * happens-before a {@link #waitUntilEmpty()} that waited for it returns, and everything the service
 * did happens-before a drain that waited for it returns.
 *
 * @since 0.1
 */
public abstract sealed class AbstractQueueService permits QueueService, FutureQueueService {

  /** How often a draining service logs how many items it still has to handle, by default. */
  public static final Duration DEFAULT_DRAIN_PROGRESS_INTERVAL = Duration.ofSeconds(5);

  static final Logger log = LoggerFactory.getLogger(AbstractQueueService.class);

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
  }

  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();

  /** Items in {@link #queue}, for the bound: the queue's own size() is O(n). */
  private final AtomicInteger queued = new AtomicInteger();

  private final ServiceGate gate = new ServiceGate();
  private final ServiceProgress progress = new ServiceProgress();
  private final ConsumerDriver consumer = new ConsumerDriver(new Turns(), this::dispatch);
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final DroppedItems droppedItems = new DroppedItems(log);

  // Set in open() before the service is published; read-only afterwards.
  private volatile ServiceRegistry.@Nullable Registration registration;
  private int maxQueueSize;
  private @Nullable Duration progressInterval;

  private volatile @Nullable LoopPortal loop;
  private volatile boolean loopLost;
  private volatile boolean started; // onStart succeeded: onStop is owed
  private volatile @Nullable Future<?> progressTimer;

  AbstractQueueService() {}

  // ---------------------------------------------------------------- instances

  /**
   * The running service of this class (with no key), made by {@code factory} and started if there
   * is none. Same as {@link #instance(Class, Object, Supplier) instance(type, null, factory)}.
   *
   * @param type the service class, the registry key
   * @param factory makes a new, unstarted service
   * @param <S> the service type
   * @return the running service
   */
  public static <S extends AbstractQueueService> S instance(
      Class<S> type, Supplier<? extends S> factory) {
    return ServiceRegistry.instance(type, null, factory);
  }

  /**
   * The running service of this class and key, made by {@code factory} and started if there is none
   * or the last one stopped or failed. Thread-safe and non-blocking, also on the global loop.
   * Racing callers get the same instance; the factory may then be called and its result dropped
   * unstarted, so a service's constructor should not do more than build the object.
   *
   * @param type the service class, part of the registry key
   * @param key the other part of the registry key, compared with {@code equals}; may be null
   * @param factory makes a new, unstarted service
   * @param <S> the service type
   * @return the running service (its {@link #onStart()} may still be pending: items wait for it)
   * @throws IllegalArgumentException if a configuration hook returns an invalid value
   * @throws IllegalStateException if the factory returned a service that was already used
   */
  public static <S extends AbstractQueueService> S instance(
      Class<S> type, @Nullable Object key, Supplier<? extends S> factory) {
    return ServiceRegistry.instance(type, key, factory);
  }

  /**
   * Drains every running or draining service that is an instance of {@code type} (so {@code
   * AbstractQueueService.class} means all), waiting at most {@code timeout} in all. Services still
   * draining after it are logged at WARN with their remaining items, and go on draining.
   *
   * @param type which services
   * @param timeout how long to wait at most
   * @return true if all of them stopped in time
   * @throws IllegalStateException on the global loop thread
   */
  public static boolean drainAll(Class<? extends AbstractQueueService> type, Duration timeout) {
    Objects.requireNonNull(type, "type");
    return ServiceRegistry.drainAll(ServiceRegistry.live(type), timeout);
  }

  // ---------------------------------------------------------------- configuration hooks

  /**
   * How many items may wait in the queue; 0 (the default) means no bound. When the queue is full a
   * new item is dropped, counted ({@link #droppedCount()}), passed to the subclass's drop hook and
   * reported in a WARN log at most once a second. Read once, when the service is made.
   *
   * @return the bound, 0 or more
   */
  protected int maxQueueSize() {
    return 0;
  }

  /**
   * How often a draining service logs, at INFO, how many items it still has to handle. Read once,
   * when the service is made; null or zero turns the log off.
   *
   * @return the interval
   */
  protected Duration drainProgressInterval() {
    return DEFAULT_DRAIN_PROGRESS_INTERVAL;
  }

  /**
   * Set-up, run on the global loop before the first item is handled. A throw, or a stage that
   * fails, fails the service: it is logged at ERROR, items already accepted are not handled (logged
   * at WARN with their count) and sending throws. Does nothing by default.
   *
   * @return null when done, or a stage that completes when done
   * @throws Exception a set-up failure
   */
  protected @Nullable CompletionStage<?> onStart() throws Exception {
    return null;
  }

  /**
   * Tear-down, run once after the last item of a drain was handled, if {@link #onStart()}
   * succeeded; on the global loop (or, if the loop went away first, on the thread that found out).
   * A failure is logged. Does nothing by default.
   *
   * @return null when done, or a stage that completes when done
   * @throws Exception a tear-down failure
   */
  protected @Nullable CompletionStage<?> onStop() throws Exception {
    return null;
  }

  // ---------------------------------------------------------------- draining and waiting

  /**
   * Stops the service and waits until every item accepted before has been handled and {@link
   * #onStop()} has run. Later sends throw {@link IllegalStateException}. Idempotent.
   *
   * @throws IllegalStateException on the global loop thread
   */
  public final void drain() {
    checkMayBlock("drain");
    await(stop(), null, "drain");
  }

  /**
   * Like {@link #drain()}, waiting at most {@code timeout}; the drain goes on after a timeout.
   *
   * @param timeout how long to wait at most
   * @return true if the service stopped in time
   * @throws IllegalStateException on the global loop thread
   */
  public final boolean drain(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    checkMayBlock("drain");
    return await(stop(), timeout, "drain");
  }

  /**
   * Stops the service without waiting: the loop-safe form of {@link #drain()}. Its stage completes
   * once every item accepted before has been handled and {@link #onStop()} has run, usually on the
   * global loop thread (so dependent stages should not block).
   *
   * @return a stage completing when the service has stopped
   */
  public final CompletionStage<Void> drainAsync() {
    return stop().copy();
  }

  /**
   * Waits until every item accepted before this call has been handled (or the service stopped),
   * without stopping the service. A batched service hands over its partial batch at once for it.
   *
   * @throws IllegalStateException on the global loop thread
   */
  public final void waitUntilEmpty() {
    awaitHandled(null);
  }

  /**
   * Like {@link #waitUntilEmpty()}, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait at most
   * @return true if those items were handled in time
   * @throws IllegalStateException on the global loop thread
   */
  public final boolean waitUntilEmpty(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return awaitHandled(timeout);
  }

  // ---------------------------------------------------------------- state

  /**
   * Whether the service accepts items: started and not yet draining, stopped or failed.
   *
   * @return true while sending is allowed
   */
  public final boolean isRunning() {
    return gate.isOpen();
  }

  /**
   * Whether the service has stopped (drained, or failed and cleaned up): nothing of it runs any
   * more.
   *
   * @return true once stopped
   */
  public final boolean isStopped() {
    return stopped.isDone();
  }

  /**
   * How many items a full queue turned away so far.
   *
   * @return the number of dropped items
   */
  public final long droppedCount() {
    return droppedItems.total();
  }

  /**
   * How many accepted items are not handled yet, queued or being handled.
   *
   * @return the number of pending items
   */
  public final long pendingCount() {
    return progress.pending();
  }

  @Override
  public String toString() {
    String simple = getClass().getSimpleName();
    String name = simple.isEmpty() ? getClass().getName() : simple;
    ServiceRegistry.Registration r = registration;
    return r == null || r.key() == null ? name : name + "[" + r.key() + "]";
  }

  // ---------------------------------------------------------------- for subclasses

  /**
   * Queues {@code item}, or drops it if the queue is full. Never blocks.
   *
   * @return true if queued, false if dropped
   * @throws IllegalStateException if the service takes no items
   */
  final boolean offer(Object item) {
    if (!gate.enter()) {
      throw notAccepting();
    }
    boolean queuedIt = false;
    try {
      if (reserveSlot()) {
        progress.accepted(); // counted before it is queued: see ServiceProgress
        queue.offer(item);
        queuedIt = true;
      }
    } finally {
      if (gate.leave()) {
        wake(); // the last sender out of a closed gate: the drain may finish now
      }
    }
    if (queuedIt) {
      wake();
    } else {
      droppedItems.record(this, maxQueueSize);
      try {
        dropped(item);
      } catch (Throwable t) {
        log.error("The drop hook of {} threw", this, t);
      }
    }
    return queuedIt;
  }

  private boolean reserveSlot() {
    if (maxQueueSize == 0) {
      queued.incrementAndGet();
      return true;
    }
    int n;
    do {
      n = queued.get();
      if (n >= maxQueueSize) {
        return false;
      }
    } while (!queued.compareAndSet(n, n + 1));
    return true;
  }

  private IllegalStateException notAccepting() {
    switch (state.get()) {
      case NEW:
        return new IllegalStateException(
            this + " was not started: get services with QueueService.instance(...)");
      case FAILED:
        return new IllegalStateException(this + " failed to start; instance(...) makes a new one");
      default:
        return new IllegalStateException(
            this + " was stopped and takes no more items; instance(...) makes a new one");
    }
  }

  /** The next queued item, or null; consumer only. */
  final Object pollItem() {
    Object item = queue.poll();
    if (item != null) {
      queued.decrementAndGet();
    }
    return item;
  }

  /** The next queued item without taking it, or null; consumer only (so a poll then gets it). */
  final Object peekItem() {
    return queue.peek();
  }

  /**
   * Runs a handler for {@code items} items and returns a stage that completes, never exceptionally,
   * once the handler is done; a failure is logged with {@code what} and the items count as handled
   * either way.
   */
  final CompletionStage<?> invoke(
      int items, Object what, Callable<? extends CompletionStage<?>> handler) {
    CompletionStage<?> stage;
    try {
      stage = handler.call();
    } catch (Throwable t) {
      stage = CompletableFuture.failedFuture(t);
    }
    if (stage == null) {
      progress.done(items);
      return DONE;
    }
    return adopt(stage)
        .handle(
            (value, error) -> {
              if (error != null) {
                log.error(
                    "{} failed to handle {}; going on with the next",
                    this,
                    describe(what),
                    unwrap(error));
              }
              progress.done(items);
              return null;
            });
  }

  /** Whether a waitUntilEmpty() waits for items not handled yet: partial batches must go. */
  final boolean flushRequested() {
    return progress.flushRequested();
  }

  /** Makes sure the consumer takes a turn soon. Any thread; never waits. */
  final void wake() {
    consumer.wake();
  }

  /**
   * Takes the next unit of work and starts it; consumer only, on the loop. Returns null when there
   * is nothing to do now; the returned stage must not complete exceptionally.
   *
   * @param closing whether the service takes no more items (buffered items must go now)
   */
  abstract @Nullable CompletionStage<?> consume(boolean closing);

  /** A full queue turned {@code item} away; on the sender's thread. */
  abstract void dropped(Object item);

  /** {@code item} was accepted but will never be handled. */
  void abandoned(Object item) {}

  /** Items the consumer took but has not handed over (a partial batch), for abandoning. */
  List<Object> takeBuffered() {
    return List.of();
  }

  /** Whether the consumer has work besides the queue (a partial batch that is due). */
  boolean wantsFlush() {
    return false;
  }

  /** Reads the subclass's configuration hooks; a bad value throws IllegalArgumentException. */
  void configure() {}

  /** The service stopped: cancel the subclass's timers. */
  void released() {}

  // ---------------------------------------------------------------- lifecycle (registry side)

  final ServiceRegistry.@Nullable Registration registration() {
    return registration;
  }

  final @Nullable LoopPortal loop() {
    return loop;
  }

  final void bindLoop(LoopPortal boundLoop) {
    loop = boundLoop;
  }

  /** NEW → RUNNING: accepting, not yet consuming (the consumer's baton stays with the start-up). */
  final void open(ServiceRegistry.Registration registration) {
    if (state.get() != State.NEW) {
      throw new IllegalStateException(
          "The factory must return a new service, but " + this + " was already used");
    }
    int max = maxQueueSize();
    if (max < 0) {
      throw new IllegalArgumentException("maxQueueSize() of " + this + " is negative: " + max);
    }
    configure();
    this.maxQueueSize = max;
    this.progressInterval = drainProgressInterval();
    this.registration = registration;
    if (!state.compareAndSet(State.NEW, State.RUNNING)) {
      throw new IllegalStateException(
          "The factory must return a new service, but " + this + " was already used");
    }
    gate.open();
  }

  /** The service lost the race to be the registered instance and was never seen: close it. */
  final void discardUnpublished() {
    gate.seal();
    state.set(State.STOPPED);
    stopped.complete(null);
  }

  /** Binds the service to the global loop and runs onStart there. */
  final void start() {
    LoopPortal attached;
    try {
      attached = ServiceRegistry.attach(this);
    } catch (RuntimeException | Error e) {
      fail(e);
      throw e;
    }
    startOn(attached);
  }

  /**
   * Runs onStart on {@code boundLoop}, then the consumer; {@link #start()} without the registry.
   */
  final void startOn(LoopPortal boundLoop) {
    loop = boundLoop;
    try {
      boundLoop.execute(this::begin);
    } catch (RejectedExecutionException e) {
      loopLost(e);
      consumer.drive(); // we hold the baton: abandon what was queued, then stop
    }
  }

  private void begin() {
    if (Objects.requireNonNull(loop, "loop").isShutdown()) { // begin runs on the loop startOn set
      // Bound just as the loop began shutting down, after its shutdown call looked for services.
      stop();
    }
    lifespan(this::onStart)
        .whenComplete(
            (value, error) -> {
              if (error != null) {
                fail(unwrap(error));
              } else {
                started = true;
                consumer.handOff();
              }
            });
  }

  /** Closes the gate; the drain finishes once the consumer finds nothing left. Any thread. */
  final CompletableFuture<Void> stop() {
    if (state.compareAndSet(State.NEW, State.STOPPED)) {
      stopped.complete(null); // never started: nothing to drain
      return stopped;
    }
    long before = gate.close();
    if (!ServiceGate.isClosed(before)) {
      state.compareAndSet(State.RUNNING, State.STOPPING);
      if (log.isDebugEnabled()) {
        log.debug("{} is draining {} item(s)", this, pendingCount());
      }
      scheduleProgressLog();
      if (ServiceGate.isEmpty(before)) {
        wake(); // no sender inside: nothing more can come
      }
    }
    return stopped;
  }

  private void fail(Throwable cause) {
    log.error("{} failed to start; it takes no items and handles none", this, cause);
    state.set(State.FAILED);
    gate.close();
    consumer.drive(); // we hold the baton: abandon what was queued, then stop
  }

  // ---------------------------------------------------------------- the consumer

  /** Runs a consumer task on the loop, or here once the loop is gone (only abandoning is left). */
  private void dispatch(Runnable task) {
    LoopPortal l = loop;
    if (l != null && !loopLost) {
      try {
        l.execute(task);
        return;
      } catch (RejectedExecutionException e) {
        loopLost(e);
      }
    }
    task.run();
  }

  /** The consumer's turns, driven by {@link #consumer}. */
  private final class Turns implements ConsumerDriver.Turns {
    @Override
    public @Nullable CompletionStage<?> turn() {
      // Read once, before the work: only if the gate was already sealed did the work see every
      // item there will ever be (and hand over any partial batch). A gate closing during the
      // work must bring another turn, not the end.
      long before = gate.read();
      if (loopLost || state.get() == State.FAILED) {
        abandonQueued();
      } else {
        CompletionStage<?> work = consume(ServiceGate.isClosed(before));
        if (work != null) {
          return work;
        }
      }
      if (ServiceGate.isSealed(before) && queue.isEmpty()) {
        finish();
        return ConsumerDriver.FINISHED;
      }
      return null;
    }

    @Override
    public boolean wanted() {
      return !queue.isEmpty() || gate.isSealed() || wantsFlush();
    }
  }

  private void abandonQueued() {
    int count = 0;
    for (Object item : takeBuffered()) {
      abandonSafely(item);
      count++;
    }
    for (Object item = pollItem(); item != null; item = pollItem()) {
      abandonSafely(item);
      count++;
    }
    if (count > 0) {
      progress.done(count);
      log.warn(
          "{} did not handle {} accepted item(s): {}",
          this,
          count,
          loopLost ? "its event loop shut down first" : "it failed to start");
    }
  }

  private void abandonSafely(Object item) {
    try {
      abandoned(item);
    } catch (Throwable t) {
      log.error("{} failed to abandon {}", this, describe(item), t);
    }
  }

  private void loopLost(Throwable cause) {
    if (!loopLost) {
      loopLost = true;
      gate.close();
      state.compareAndSet(State.RUNNING, State.STOPPING);
      log.warn(
          "{} lost its event loop before it drained, with {} accepted item(s) not handled yet: {}",
          this,
          pendingCount(),
          cause.getMessage());
      if (log.isDebugEnabled()) {
        log.debug("How {} lost its event loop", this, cause);
      }
    }
  }

  /**
   * The loop's drain of this service was cancelled (its shutdown grace ran out, or the JVM exited
   * with the loop unable to run it): no drain will come, so the items left are abandoned.
   */
  final void loopGone(Throwable cause) {
    loopLost(cause);
    wake();
  }

  private void finish() {
    released();
    CompletionStage<?> teardown = started ? lifespan(this::onStop) : DONE;
    teardown.whenComplete(
        (value, error) -> {
          if (error != null) {
            log.error("onStop of {} failed", this, unwrap(error));
          }
          complete();
        });
  }

  private void complete() {
    state.updateAndGet(s -> s == State.FAILED ? State.FAILED : State.STOPPED);
    ServiceRegistry.forget(this);
    droppedItems.reportRest(this, maxQueueSize);
    loop = null;
    stopped.complete(null);
    Future<?> timer = progressTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    progress.signal();
    if (log.isDebugEnabled()) {
      log.debug("{} stopped", this);
    }
  }

  private static CompletionStage<?> lifespan(Callable<? extends CompletionStage<?>> hook) {
    try {
      CompletionStage<?> stage = hook.call();
      return stage == null ? DONE : adopt(stage);
    } catch (Throwable t) {
      return CompletableFuture.failedFuture(t);
    }
  }

  /**
   * A stage a hook returned, as a JDK future: the hook's own stage class is user code, and a throw
   * from its {@code whenComplete} must fail this stage, not the consumer that holds the baton.
   */
  static CompletableFuture<Object> adopt(CompletionStage<?> stage) {
    if (stage instanceof CompletableFuture && stage.getClass() == CompletableFuture.class) {
      @SuppressWarnings("unchecked")
      CompletableFuture<Object> jdk = (CompletableFuture<Object>) stage;
      return jdk;
    }
    CompletableFuture<Object> adopted = new CompletableFuture<>();
    try {
      stage.whenComplete(
          (value, error) -> {
            if (error == null) {
              adopted.complete(value);
            } else {
              adopted.completeExceptionally(error);
            }
          });
    } catch (Throwable t) {
      adopted.completeExceptionally(t);
    }
    return adopted;
  }

  private void scheduleProgressLog() {
    Duration every = progressInterval;
    if (every == null || every.isZero() || every.isNegative() || stopped.isDone()) {
      return;
    }
    Future<?> timer = RuntimeBinding.runtime().portalSupport().schedule(this::logProgress, every);
    progressTimer = timer;
    if (stopped.isDone()) {
      timer.cancel(false); // complete() may have looked at progressTimer before we set it
    }
  }

  private void logProgress() {
    if (stopped.isDone()) {
      return;
    }
    log.info("{} is draining: {} item(s) still to handle", this, pendingCount());
    scheduleProgressLog();
  }

  // ---------------------------------------------------------------- blocking waits

  private boolean awaitHandled(@Nullable Duration timeout) {
    checkMayBlock("waitUntilEmpty");
    long target = progress.requestFlush();
    wake();
    Deadline deadline = timeout == null ? Deadline.never() : Deadline.after(timeout);
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(new InterruptedException(), "waitUntilEmpty");
    }
    try {
      return progress.awaitDone(target, deadline, stopped::isDone);
    } catch (InterruptedException e) {
      throw interrupted(e, "waitUntilEmpty");
    }
  }

  /**
   * Waits for a stop that never fails, at most {@code timeout} (null or huge: forever, zero or
   * negative: not at all). An interrupt ends the wait like {@link org.portal4j.Call#result()}'s.
   */
  static boolean await(CompletableFuture<Void> done, @Nullable Duration timeout, String what) {
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(new InterruptedException(), what);
    }
    try {
      long nanos = timeout == null ? Long.MAX_VALUE : Deadline.nanosOf(timeout);
      if (nanos == Long.MAX_VALUE) {
        done.get();
      } else {
        done.get(nanos, TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      throw interrupted(e, what);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause()); // stops never fail
    }
  }

  /** Fails fast on the global loop thread, and on this service's loop (an older global loop). */
  private void checkMayBlock(String what) {
    LoopPortal l = loop;
    if (l != null && l.inLoop()) {
      throw onLoop(what);
    }
    checkMayBlockHere(what);
  }

  static void checkMayBlockHere(String what) {
    if (Portals.inGlobalLoop()) {
      throw onLoop(what);
    }
  }

  private static IllegalStateException onLoop(String what) {
    return new IllegalStateException(
        what
            + " cannot block the global loop thread: the services it waits for run there. Use"
            + " drainAsync() on the loop.");
  }

  static CompletionException interrupted(InterruptedException e, String what) {
    Thread.currentThread().interrupt();
    return new CompletionException("Interrupted in " + what, e);
  }

  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Object what) {
    String text = String.valueOf(what);
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}

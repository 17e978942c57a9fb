package org.portal4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.ContextKey;
import org.portal4j.Portal;
import org.portal4j.core.events.CallEvent;
import org.portal4j.core.events.TimeoutEvent;
import org.portal4j.internal.SpinWait;
import org.portal4j.internal.WithdrawableCall;
import org.portal4j.spi.support.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's {@link Call}: a function with its captured context, a timeout and an outcome.
 *
 * <h2>State machine</h2>
 *
 * One int, changed by CAS:
 *
 * <pre>
 *   PENDING ─► RUNNING ─► COMPLETING ─► SUCCEEDED | FAILED      (the body or its stage ended it)
 *      │          └─────► CANCELLING ─► CANCELLED                (cancel or timeout)
 *      └────────────────► CANCELLING (cancel before start)
 * </pre>
 *
 * Whoever moves the call out of RUNNING (or PENDING) owns its ending: the function returning, its
 * stage completing, {@link #cancel()} and the timeout race for it, and the losers' outcomes are
 * discarded. The owner sets the final state, then releases waiters (and completes the {@link
 * CallFuture} view, if one was made), then runs done callbacks. A loser returns only once the owner
 * has set the final state (a cancel runs its callbacks in CANCELLING, which may take a while), so
 * every racer sees the call done when its own step returns: the state machine is linearizable, as
 * {@code CallModelTest} and {@code AsyncCallModelTest} (module model-tests) check. Only a cancel
 * made from inside the owner's own cancel callbacks returns at once, seeing the call still
 * cancelling. COMPLETING runs no code but ours: the owner only stops the timer and writes the
 * outcome and the final state, so a thread that finds the call there waits it out by spinning.
 *
 * <h2>Interrupts</h2>
 *
 * A second int, {@link #body}, guards interrupts of the thread running the sync part, so that an
 * interrupt is only ever delivered while the function runs and is cleared before {@link #run()}
 * returns (the FutureTask discipline). It starts at IN_BODY: from the start (PENDING → RUNNING, one
 * CAS) the call counts as in its body. The runner attaches the context and only then names itself
 * as {@link #bodyThread}, with a plain store; a cancel that takes a running call waits for that
 * name (the runner is restoring the context, a few steps) and then moves IN_BODY → INTERRUPTING →
 * INTERRUPTED around {@code Thread.interrupt()}. So no interrupt reaches the propagators, and the
 * runner, which reads the state once more before it calls the function, needs no fence. A sync
 * call's runner then takes the ending (RUNNING → COMPLETING, the second CAS): once it has, no
 * canceller can come, and it leaves the body with a plain store. Otherwise (a cancel came first, or
 * the call is async) it moves IN_BODY → DONE or waits out INTERRUPTING and clears the flag. {@link
 * #shield} parks a cancel in SHIELDED_PENDING and delivers it when the shielded function returns.
 *
 * <h2>Waiting and callbacks</h2>
 *
 * Lean by design, as {@code FutureTask} is: a call allocates nothing beyond itself until someone
 * needs more. Threads waiting for the ending and done callbacks share one lock-free stack, {@link
 * #done}; cancel callbacks have another, {@link #cancels}. The owner of the ending looks at the
 * stack after its state change; if someone pushed, it closes the stack by swapping in {@link
 * #CLOSED}, after writing the final state, and works through what it took: it unparks the waiting
 * threads, completes the {@link CallFuture} view if one was asked for, and runs the callbacks in
 * the order they were added. An ending nobody waits for costs no swap. So a thread that pushes then
 * reads the state: before the ending, the owner will see its node; in CANCELLING, too (the
 * canceller's final state is a volatile write, read before the stack); in COMPLETING or done, the
 * owner may have looked before the push, so the pusher waits for the final state and ends its own
 * wait, or claims and runs its own callback (a callback is claimed by CAS, by the owner or the
 * pusher, so it runs once). The view is made the same way. A push that finds the stack closed knows
 * the call is done. The outcome lives in one field, {@link #outcome}, written before the final
 * state.
 */
final class CapturedCall<T extends @Nullable Object> implements Call<T>, WithdrawableCall {

  private static final Logger log = LoggerFactory.getLogger(CapturedCall.class);
  private static final AtomicInteger UNNAMED = new AtomicInteger();

  /** How long past its deadline a sync body may ignore its interrupt before we warn. */
  static final Duration OVERRUN_WARNING_DELAY = Duration.ofSeconds(1);

  // state
  private static final int PENDING = 0;
  private static final int RUNNING = 1;
  private static final int CANCELLING = 2;
  private static final int COMPLETING = 3;
  private static final int SUCCEEDED = 4;
  private static final int FAILED = 5;
  private static final int CANCELLED = 6;

  // body (interrupt guard), read as such only once the call is running
  private static final int IN_BODY = 0;
  private static final int SHIELDED = 1;
  private static final int SHIELDED_PENDING = 2;
  private static final int INTERRUPTING = 3;
  private static final int INTERRUPTED = 4;
  private static final int BODY_DONE = 5;

  private static final VarHandle STATE;
  private static final VarHandle BODY;
  private static final VarHandle RUNNER;
  private static final VarHandle VIEW;
  private static final VarHandle DONE;
  private static final VarHandle CANCELS;
  private static final VarHandle NEXT;
  private static final VarHandle ITEM;
  // Fields written on the hot path with release stores where no later read depends on the write
  // being seen first (a volatile store would add a full fence each): see run() and complete().
  private static final VarHandle FN;
  private static final VarHandle CONTEXT;
  private static final VarHandle BODY_THREAD;
  private static final VarHandle STAGE;
  private static final VarHandle TIMER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(CapturedCall.class, "state", int.class);
      BODY = lookup.findVarHandle(CapturedCall.class, "body", int.class);
      RUNNER = lookup.findVarHandle(CapturedCall.class, "runner", Portal.class);
      VIEW = lookup.findVarHandle(CapturedCall.class, "view", CallFuture.class);
      DONE = lookup.findVarHandle(CapturedCall.class, "done", Node.class);
      CANCELS = lookup.findVarHandle(CapturedCall.class, "cancels", Node.class);
      NEXT = lookup.findVarHandle(Node.class, "next", Node.class);
      ITEM = lookup.findVarHandle(Node.class, "item", Object.class);
      FN = lookup.findVarHandle(CapturedCall.class, "fn", Callable.class);
      CONTEXT = lookup.findVarHandle(CapturedCall.class, "context", CallContext.class);
      BODY_THREAD = lookup.findVarHandle(CapturedCall.class, "bodyThread", Thread.class);
      STAGE = lookup.findVarHandle(CapturedCall.class, "stage", CompletionStage.class);
      TIMER = lookup.findVarHandle(CapturedCall.class, "timer", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The stage {@link #run()} returns once the call is done. */
  private static final CompletionStage<Void> DONE_STAGE = CompletableFuture.completedStage(null);

  /** The head of a stack that takes no more nodes: the call is done (or, for cancels, ending). */
  private static final Node CLOSED = new Node(null, false, null);

  /**
   * The name, or until someone asks for it the class of the function it is made from: naming a
   * lambda takes string work that most calls never need.
   */
  private Object label;

  private final boolean async;

  private volatile int state;
  private volatile int body;
  private volatile @Nullable Portal runner;
  private volatile @Nullable Duration timeout;
  private volatile boolean timedOut;

  /** Dropped when the call starts or is cancelled, so finished calls keep nothing alive. */
  private volatile @Nullable Callable<?> fn;

  private volatile @Nullable CallContext context;
  private volatile @Nullable Thread bodyThread;

  /** The thread that moved the call to CANCELLING, while it finishes the job. */
  private volatile @Nullable Thread canceller;

  /**
   * The value (SUCCEEDED) or the Throwable (FAILED, CANCELLED). Written before the final state and
   * read only once the call is done, so the volatile state orders it.
   */
  private @Nullable Object outcome;

  private volatile @Nullable CompletionStage<?> stage;

  /**
   * A {@link ScheduledFuture} of the timer thread, the {@link FarDeadlines.Node} watching, or a
   * {@link FarDeadlines.OnThread}: the far deadline is watched through the call's thread. (Not a
   * field of its own for that deadline: it would make every call 8 bytes larger.)
   */
  private volatile @Nullable Object timer;

  /** The {@link CompletableFuture} view, made on first request. */
  private volatile @Nullable CallFuture<T> view;

  /** Parked waiters and done callbacks, newest first; {@link #CLOSED} once done. */
  private volatile @Nullable Node done;

  /** Cancel callbacks, newest first; {@link #CLOSED} once the call is ending. */
  private volatile @Nullable Node cancels;

  /** Touched only by the thread running the body. */
  private int shieldDepth;

  // For diagnostics: plain fields, published by the writes that follow them (the queue a portal
  // offers the call to, the state change, the running thread's slot).

  /**
   * When a portal took the call, while it is pending (0 if none did); when it started, once it has.
   * One field for both keeps the call as small as it can be. {@link System#nanoTime()} as the
   * {@link CoarseClock} reads it, up to a tick behind, unless a JFR recording wants the call.
   */
  private long since;

  /** The call this one runs inside on the same thread, while its body runs; else null. */
  private @Nullable CapturedCall<?> outerOnThread;

  /** The JFR event of this call, begun as it started, when a recording wants it. */
  private volatile @Nullable CallEvent flight;

  private CapturedCall(@Nullable String name, boolean async, Callable<?> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    this.label = name != null ? name : labelOf(fn);
    this.async = async;
    this.fn = fn;
    this.context = CallContext.capture();
  }

  static <T extends @Nullable Object> CapturedCall<T> sync(
      @Nullable String name, Callable<? extends T> fn) {
    return new CapturedCall<>(name, false, fn);
  }

  static <T extends @Nullable Object> CapturedCall<T> async(
      @Nullable String name, Callable<? extends CompletionStage<? extends T>> fn) {
    return new CapturedCall<>(name, true, fn);
  }

  static Optional<Call<?>> current() {
    return Optional.ofNullable(RunningCalls.current());
  }

  /**
   * Whether a function class is anonymous, asked once per class: {@link Class#isAnonymousClass()}
   * is a native lookup, too slow to ask per call.
   */
  private static final ClassValue<Boolean> ANONYMOUS =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return type.isAnonymousClass();
        }
      };

  /** The function's class, named on demand; an anonymous class gets its numbered name now. */
  private static Object labelOf(Callable<?> fn) {
    Class<?> type = fn.getClass();
    return ANONYMOUS.get(type) ? "call-" + UNNAMED.incrementAndGet() : type;
  }

  private static String nameOf(Class<?> type) {
    String simple = type.getSimpleName();
    int lambda = simple.indexOf("$$Lambda");
    return lambda > 0 ? simple.substring(0, lambda) + ".lambda" : simple;
  }

  // ---------------------------------------------------------------- configuration

  @Override
  public String name() {
    Object l = label;
    if (l instanceof String) {
      return (String) l;
    }
    String named = nameOf((Class<?>) l); // the same string from every thread: a benign race
    label = named;
    return named;
  }

  @Override
  public Call<T> setTimeout(@Nullable Duration timeout) {
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    if (state != PENDING) {
      throw new IllegalStateException("Cannot set the timeout of " + this + ": it has started");
    }
    this.timeout = timeout;
    return this;
  }

  @Override
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  @Override
  public void setRunner(Portal portal) {
    if (portal == null) {
      throw new NullPointerException("portal");
    }
    long now = clock();
    if (!RUNNER.compareAndSet(this, null, portal)) {
      throw new IllegalStateException(
          "Cannot submit "
              + this
              + " to "
              + portal.name()
              + ": it was already submitted to "
              + Objects.requireNonNull(runner).name()); // set: the CAS failed
    }
    since = now;
  }

  @Override
  public void withdrawFrom(Portal portal) {
    if (runner == portal) {
      since = 0; // written before the runner is cleared, as setRunner writes it after the set
      RUNNER.compareAndSet(this, portal, null);
    }
  }

  @Override
  public Optional<Portal> runner() {
    return Optional.ofNullable(runner);
  }

  /**
   * The time for {@link #since}: the {@link CoarseClock}, unless a JFR recording wants the call's
   * queue time, which is often microseconds.
   */
  private static long clock() {
    return CallEvent.enabled() ? System.nanoTime() : CoarseClock.now();
  }

  /** The portal it was submitted to, or null: {@link #runner()} without the Optional. */
  @Nullable Portal runnerOrNull() {
    return runner;
  }

  // ---------------------------------------------------------------- running

  @Override
  public CompletionStage<Void> run() {
    if (state != PENDING) {
      return notStarted();
    }
    boolean recorded = CallEvent.enabled();
    long now = recorded ? System.nanoTime() : CoarseClock.now(); // the start, see clock()
    // Written before the start publishes them; a cancel that wins ignores them.
    if (recorded) {
      beginFlight(since == 0 ? 0 : Math.max(0, now - since));
    }
    since = now;
    if (!STATE.compareAndSet(this, PENDING, RUNNING)) {
      return lostStart();
    }
    Callable<?> function = fn; // null if a cancel came after our start: then the body skips it
    FN.setRelease(this, (Callable<?>) null); // dropped for the collector: nobody waits to see it
    Duration limit = timeout;
    long nanos = limit == null ? Long.MAX_VALUE : Deadline.nanosOf(limit); // MAX_VALUE: never
    Throwable unarmed = null;
    boolean onThread = false;
    if (nanos != Long.MAX_VALUE) {
      if (nanos == 0) { // a zero timeout (negative ones are refused by setTimeout)
        BODY.setRelease(this, BODY_DONE); // the body never runs: a cancel has none to interrupt
        timeOut();
        context = null; // the body never runs, so nothing else drops it
        return DONE_STAGE;
      }
      try {
        if (nanos >= FarDeadlines.FAR_NANOS) {
          // Most calls end long before, so the call does not read nanoTime for it: the sweep that
          // finds it on its thread works the deadline out from the clock's reading after our
          // start (FarDeadlines.OnThread). Precise ages read nanoTime anyway.
          watchOnThread(
              recorded || CoarseClock.precise()
                  ? FarDeadlines.OnThread.at(System.nanoTime() + nanos)
                  : FarDeadlines.OnThread.since(CoarseClock.coarse(), nanos));
          onThread = true;
        } else {
          armTimeout(nanos);
        }
      } catch (Throwable t) { // out of memory, or no timer thread: the call fails, but it ends
        unarmed = t;
      }
    }
    runBody(function, unarmed, onThread);
    // A sync call is done here: its body ended it, or lost to an ending that it waited for.
    return isDone() ? DONE_STAGE : toCompletableFuture().handle((value, error) -> null);
  }

  /** run() found the call started: a cancel's ending (return, like it, once done) or a rerun. */
  private CompletionStage<Void> notStarted() {
    if (state >= CANCELLING) {
      awaitEnding();
      return DONE_STAGE;
    }
    throw new IllegalStateException("Cannot run " + this + ": it is already running");
  }

  /** run() lost its start to a cancel (or to another run()), after it began the JFR event. */
  private CompletionStage<Void> lostStart() {
    CompletionStage<Void> done = notStarted();
    flight = null; // begun for a call that never started; the ending is over
    return done;
  }

  /**
   * Runs the body of a call this thread started. The context's scope is opened and closed here, in
   * one method, so that the compiler can see that it does not escape and need not allocate it.
   */
  private void runBody(
      @Nullable Callable<?> function, @Nullable Throwable unarmed, boolean onThread) {
    Throwable error = unarmed; // the function does not run if its timeout could not be armed
    RunningCalls.Slot slot = null;
    CapturedCall<?> outer = null;
    try {
      slot = RunningCalls.slot(); // a thread's first call registers it: out of memory, or stack
      outer = slot.call();
    } catch (Throwable t) { // not shown on the thread: the function does not run, the call ends
      error = t;
    }
    outerOnThread = outer;
    // We cover the outer call up on this thread: the sweeps no longer see it there.
    Throwable uncovered = outer == null ? null : outer.leaveThreadWatch();
    if (uncovered != null && error == null) {
      error = uncovered; // its deadline is unwatched while we run: we do not run
    }
    if (slot != null) {
      slot.set(this); // before the context: a propagator that asks finds the call it restores
    }
    if (onThread && error == null) {
      try {
        FarDeadlines.watchOnThread(); // shown on the thread just above
      } catch (Throwable t) { // no timer thread, or out of memory: the call fails, but it ends
        error = t;
      }
    }
    ContextKey.Scope scope;
    try {
      scope = Objects.requireNonNull(context, "context").attach(); // ours to drop, once started
    } catch (Throwable t) { // the propagators' failures are logged; only that logging may throw
      scope = CallContext.NOTHING;
      error = t;
    }
    // Named once the context is in place: from here on a cancel interrupts this thread. A cancel
    // that took the running call before waits for the name (interruptBody), so no interrupt
    // reaches the propagators, and the name needs no fence: the canceller waits for it.
    Thread thread = Thread.currentThread();
    BODY_THREAD.setRelease(this, thread);
    Object value = null;
    try {
      // Once more: a cancel may have come since the start, interrupting us before the function.
      if (error == null && state == RUNNING && function != null) { // null once cancelled
        value = function.call();
      }
    } catch (Throwable t) {
      error = t;
    }
    // A sync call ends here, by its body unless a cancel took the ending first. Taking it first
    // (COMPLETING) leaves no canceller that could interrupt us, so the body is left with a plain
    // store instead of a second CAS, and the call is done before its scope closes: no interrupt
    // reaches the propagators, and waiters need not wait for them (finish() wakes them after).
    boolean ending = error != null || !async;
    boolean owned = ending && STATE.compareAndSet(this, RUNNING, COMPLETING);
    if (owned) {
      BODY.setRelease(this, BODY_DONE);
      @SuppressWarnings("unchecked")
      T result = (T) value;
      publish(result, error);
    } else {
      leaveBody();
    }
    closeScope(scope);
    if (slot != null) {
      slot.set(outer);
    }
    outerOnThread = null;
    if (uncovered != null && outer != null) {
      showAgain(outer); // still marked: the sweeps, which may have stopped, must see it again
    }
    // Out of the body (BODY_DONE is set), nobody interrupts through bodyThread any more, and the
    // context is only dropped for the collector: release stores, no fences.
    BODY_THREAD.setRelease(this, (Thread) null);
    CONTEXT.setRelease(this, (CallContext) null);
    if (owned) {
      finish();
    } else if (ending) {
      awaitEnding(); // cancelled or timed out first: the outcome is discarded
    } else if (value == null || value instanceof CompletionStage) {
      Throwable unwatched = leaveThreadWatch(); // running on without a thread: a node instead
      if (unwatched == null) {
        follow((CompletionStage<?>) value);
      } else { // its deadline could not be watched: the call fails, but it ends
        complete(null, unwatched);
        if (value != null) {
          cancelStage((CompletionStage<?>) value); // as a cancel would: the call no longer waits
        }
      }
    } else {
      complete(
          null,
          new ClassCastException(
              "The async function of " + name() + " returned a " + value.getClass().getName()));
    }
  }

  private void closeScope(ContextKey.Scope scope) {
    try {
      scope.close();
    } catch (Throwable t) { // the propagators' failures are logged; only that logging may throw
      closeFailed(t);
    }
  }

  /** Closing the call's context scope threw: the call must end all the same. */
  private void closeFailed(Throwable t) {
    try {
      log.error("Closing the context of {} threw; the call still ends", name(), t);
    } catch (Throwable ignored) {
      // logging failed too: nothing is left to tell
    }
  }

  /** Ends the body: no interrupt can arrive after this, and none that arrived is left set. */
  private void leaveBody() {
    while (true) {
      int b = body;
      if (b == IN_BODY && BODY.compareAndSet(this, IN_BODY, BODY_DONE)) {
        return;
      }
      if (b == INTERRUPTED) {
        Thread.interrupted();
        body = BODY_DONE;
        return;
      }
      Thread.onSpinWait(); // INTERRUPTING: the canceller is between its CAS and interrupt()
    }
  }

  private void follow(@Nullable CompletionStage<?> result) {
    if (result == null) {
      complete(
          null,
          new NullPointerException(
              "The async function of " + name() + " returned null instead of a CompletionStage"));
      return;
    }
    stage = result;
    if (state != RUNNING) { // cancelled meanwhile: the canceller may have missed the stage
      cancelStage(result);
    }
    try {
      result.whenComplete(
          (value, error) -> {
            if (error == null) {
              @SuppressWarnings("unchecked")
              T typed = (T) value;
              complete(typed, null);
            } else {
              complete(null, unwrap(error));
            }
          });
    } catch (Throwable t) { // the stage's class is the user's: it must not leave us running
      complete(null, t);
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private void complete(@Nullable T value, @Nullable Throwable error) {
    if (!STATE.compareAndSet(this, RUNNING, COMPLETING)) {
      // Cancelled or timed out first: the outcome is discarded. Like a losing cancel, return
      // only once the call is done, so whoever ended the body or stage then sees it ended.
      awaitEnding();
      return;
    }
    publish(value, error);
    finish();
  }

  /**
   * Writes the outcome and the final state; the caller moved the call to COMPLETING, and calls
   * {@link #finish()} next. Nothing here runs code that is not ours: threads that find the call
   * completing spin until this is done ({@link #awaitPublished()}).
   */
  private void publish(@Nullable T value, @Nullable Throwable error) {
    stopTimer();
    // We own the ending (COMPLETING), so no canceller reads these any more. The final state is a
    // release store: a pusher that reads COMPLETING after its push waits for it, and one that read
    // RUNNING pushed before our CAS, so finish() sees its node.
    if (stage != null) {
      STAGE.setRelease(this, (CompletionStage<?>) null);
    }
    CANCELS.setRelease(this, CLOSED); // never to run
    outcome = error == null ? value : error;
    STATE.setRelease(this, error == null ? SUCCEEDED : FAILED);
  }

  /**
   * The owner's last step, after the final state: wakes the waiting threads, completes the view,
   * runs the done callbacks. Whoever any of them releases finds isDone() and the outcome set. Read
   * after the owner's state change (a CAS, or the canceller's volatile write), the stack and the
   * view show every push made before the pusher read the state not yet ending; if nothing was
   * pushed, there is nothing to close.
   */
  private void finish() {
    CallEvent event = flight;
    if (event != null) {
      flight = null;
      commitFlight(event);
    }
    Node taken = done == null ? null : (Node) DONE.getAndSet(this, CLOSED);
    Node newest = null; // the newest done callback; most calls have one at most
    Node callbacks = null; // with more, all of them reversed: in the order they were added
    for (Node n = taken; n != null; n = n.next) {
      Object item = n.item;
      if (n.parked) {
        if (item != null) {
          LockSupport.unpark((Thread) item);
        }
      } else if (newest == null) {
        newest = n;
      } else {
        if (callbacks == null) {
          callbacks = new Node(newest, false, null);
        }
        callbacks = new Node(n, false, callbacks);
      }
    }
    CallFuture<T> v = view;
    if (v != null) {
      completeView(v);
    }
    if (callbacks == null) {
      if (newest != null) {
        runClaimed(newest);
      }
      return;
    }
    for (Node n = callbacks; n != null; n = n.next) {
      runClaimed((Node) Objects.requireNonNull(n.item, "node"));
    }
  }

  /** Runs the done callback of {@code node} unless its adder claimed it first. */
  private void runClaimed(Node node) {
    Object callback = node.item;
    if (callback != null && ITEM.compareAndSet(node, callback, null)) {
      runDoneCallback(callback);
    }
  }

  /** Runs a done callback ({@link Consumer} or {@link CallDoneHook}); what it throws is logged. */
  private void runDoneCallback(Object callback) {
    try { // not runSafely: a lambda per callback, on every waited call's path
      if (callback instanceof CallDoneHook) {
        ((CallDoneHook) callback).callEnded();
      } else {
        @SuppressWarnings("unchecked")
        Consumer<? super Call<T>> typed = (Consumer<? super Call<T>>) callback;
        typed.accept(this);
      }
    } catch (Throwable t) {
      log.error("A done callback of {} threw; the other callbacks still run", this, t);
    }
  }

  /**
   * A pusher read COMPLETING or a final state after its push, so the owner may have looked at the
   * stack before it: waits out COMPLETING, which runs only our own few steps (see publish()).
   */
  private void awaitPublished() {
    for (int spins = 1; state == COMPLETING; spins++) {
      SpinWait.pause(spins); // the owner is between its CAS and its final state
    }
  }

  // ---------------------------------------------------------------- cancelling

  @Override
  public boolean cancel() {
    return cancel(false, null);
  }

  @Override
  public boolean cancel(Throwable cause) {
    if (cause == null) {
      throw new NullPointerException("cause");
    }
    return cancel(false, cause);
  }

  /** Called by the timeout scheduler at the deadline. */
  private void timeOut() {
    if (expire() && bodyThread != null && body != BODY_DONE) {
      scheduleOverrunWarning();
    }
  }

  /**
   * The state change of a timeout: cancels the call as timed out unless it is done.
   *
   * @return whether this invocation ended the call
   */
  boolean expire() {
    return cancel(true, null);
  }

  private boolean cancel(boolean byTimeout, @Nullable Throwable cause) {
    int s;
    do {
      s = state;
      if (s >= CANCELLING) {
        awaitEnding();
        return false;
      }
    } while (!STATE.compareAndSet(this, s, CANCELLING));
    canceller = Thread.currentThread();
    Thread runningOn = bodyThread;
    fn = null;
    if (s == PENDING) {
      context = null;
    }
    stopTimer();
    runCancelCallbacks((Node) CANCELS.getAndSet(this, CLOSED));
    // Stop the body before publishing the outcome: whoever the outcome wakes must find the
    // body interrupted and the stage cancelled already.
    if (s == RUNNING) {
      interruptBody();
    }
    CompletionStage<?> running = stage;
    if (running != null) {
      stage = null;
      cancelStage(running);
    }
    timedOut = byTimeout;
    outcome = byTimeout ? timeoutException() : cancelledException(cause);
    state = CANCELLED; // volatile: finish() reads the stack after it (see the class comment)
    canceller = null;
    if (s == PENDING) {
      flight = null; // begun by a run() that lost to this cancel: the call never started
    }
    if (byTimeout && TimeoutEvent.enabled()) {
      commitTimeout(runningOn); // before finish(): whoever sees the call timed out sees the event
    }
    finish();
    return true;
  }

  private CallCancelledException cancelledException(@Nullable Throwable cause) {
    if (cause == null) {
      return new CallCancelledException(name() + " was cancelled");
    }
    String why;
    try {
      why = String.valueOf(cause);
    } catch (Throwable t) { // the cause's class is the user's: its toString() must not stop us
      why = cause.getClass().getName();
    }
    CallCancelledException e = new CallCancelledException(name() + " was cancelled: " + why);
    e.initCause(cause);
    return e;
  }

  /**
   * Another thread owns the call's ending (a cancel running its callbacks, or a completion):
   * returns once it is done, so that a losing cancel() still leaves the call done. A cancel made
   * from inside our own cancel callbacks returns at once: we are the owner it would wait for.
   */
  private void awaitEnding() {
    if (state > COMPLETING || canceller == Thread.currentThread()) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        awaitDone(Long.MAX_VALUE);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Parks until the call is done, or for at most {@code nanos}.
   *
   * @param nanos how long at most; {@link Long#MAX_VALUE} is forever
   * @return whether the call is done
   * @throws InterruptedException if interrupted first (the interrupt is consumed)
   */
  private boolean awaitDone(long nanos) throws InterruptedException {
    if (isDone()) {
      return true;
    }
    for (int spins = SpinWait.SPINS; spins > 0; spins--) { // an answer often comes within this
      Thread.onSpinWait();
      if (isDone()) {
        return true;
      }
    }
    Thread me = Thread.currentThread();
    Node node = new Node(me, true, null);
    if (!push(DONE, node)) {
      return true; // closed: done
    }
    long deadline = nanos == Long.MAX_VALUE ? 0 : System.nanoTime() + nanos;
    try {
      while (true) {
        // One read decides: read twice, COMPLETING then a final state, it would park although the
        // owner may have looked at the stack before our push (its final state, a release store,
        // may show after its read of the stack) and will wake no one. Seen once in some 30
        // million loop round trips on x86; Lincheck, which explores sequentially consistent
        // memory only, cannot show it.
        int s = state;
        if (s > COMPLETING) {
          return true;
        }
        if (s == COMPLETING) { // the owner may have looked before our push: do not park
          awaitPublished();
          continue;
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (nanos == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          LockSupport.parkNanos(this, left);
        }
      }
    } finally {
      node.item = null; // gave up, or done: the owner skips it, and the thread is not kept
      if (!isDone()) {
        unlinkAbandoned();
      }
    }
  }

  private CallTimeoutException timeoutException() {
    Duration limit = timeout; // null only when expired without one (the model tests do)
    return new CallTimeoutException(
        limit == null ? name() + " timed out" : name() + " timed out after " + readable(limit));
  }

  /**
   * A duration as people read it in a message: {@code 500 ms}, {@code 30 s}, {@code 0.25 ms}; the
   * ISO form ({@code PT0.5S}) only for one too large to count in nanoseconds.
   */
  static String readable(Duration d) {
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException tooLarge) {
      return d.toString();
    }
    if (nanos % 1_000_000 != 0) {
      return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + " ms";
    }
    long millis = nanos / 1_000_000;
    return millis % 1000 == 0 && millis != 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private void interruptBody() {
    for (int spins = 1; ; spins++) {
      int b = body;
      if (b == IN_BODY) {
        Thread thread = bodyThread;
        if (thread == null) {
          if (RunningCalls.current() == this) {
            return; // cancelled by its own propagator, restoring: the runner skips the function
          }
          // Started, not named yet: its runner names itself as soon as its context is restored.
          SpinWait.pause(spins);
        } else if (BODY.compareAndSet(this, IN_BODY, INTERRUPTING)) {
          thread.interrupt();
          body = INTERRUPTED;
          return;
        }
      } else if (b == SHIELDED) {
        if (BODY.compareAndSet(this, SHIELDED, SHIELDED_PENDING)) {
          return;
        }
      } else {
        return; // already done, or already interrupted
      }
    }
  }

  private static void cancelStage(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (UnsupportedOperationException e) {
      log.debug("Stage {} cannot be cancelled; its outcome will be ignored", stage);
    } catch (Throwable t) { // the stage's class is the user's
      log.warn("Cancelling stage {} threw; its outcome will be ignored", stage, t);
    }
  }

  /** Times the call out in {@code nanos} unless it is done by then. */
  void armTimeout(long nanos) {
    ScheduledFuture<?> armed = TimeoutScheduler.schedule(this::timeOut, nanos);
    timer = armed;
    // A cancel or an ending before the line above found no timer to stop: stop it here, or it
    // would keep the call alive until its deadline. Cancelled through the local: the ending's
    // stopTimer() may have cleared the field after reading the far-deadline node it replaced.
    if (state != RUNNING) {
      stopTimer();
      armed.cancel(false);
    }
  }

  /**
   * A sweep's timer for a call it watched through {@code watcher} (its node, or its {@link
   * FarDeadlines.OnThread} mark): times the call out in {@code nanos} unless it is done by then. If
   * the call ended, or moved to a node meanwhile, the timer is dropped: its ending, or the node,
   * covers it.
   */
  void armTimeout(Object watcher, long nanos) {
    ScheduledFuture<?> armed = TimeoutScheduler.schedule(this::timeOut, nanos);
    if (!TIMER.compareAndSet(this, watcher, armed)) {
      armed.cancel(false);
    } else if (state != RUNNING) { // ended after our CAS, or before it without seeing the watcher
      stopTimer();
      armed.cancel(false);
    }
  }

  /**
   * Marks the far deadline as watched through the call's thread ({@link FarDeadlines}): the sweeps
   * read it once the call shows as its thread's innermost.
   */
  void watchOnThread(FarDeadlines.OnThread mark) {
    TIMER.setRelease(this, mark);
  }

  /** {@link #watchOnThread(FarDeadlines.OnThread)} with a known deadline; for tests. */
  void watchOnThread(long deadline) {
    watchOnThread(FarDeadlines.OnThread.at(deadline));
  }

  /** The far deadline marked on the call's thread, or null if none is marked there; for tests. */
  FarDeadlines.@Nullable OnThread farDeadlineMark() {
    Object t = timer;
    return t instanceof FarDeadlines.OnThread ? (FarDeadlines.OnThread) t : null;
  }

  /** Whether the sweeps watch the call through its thread; for them and tests. */
  boolean isWatchedOnThread() {
    return timer instanceof FarDeadlines.OnThread && !isDone();
  }

  /**
   * The call no longer shows on its thread (a call nested in it covers it up, or it runs on async):
   * a far deadline watched through the thread moves to a node of its own. Its thread only.
   *
   * @return what kept the node from being pushed (out of memory, no timer thread), or null
   */
  private @Nullable Throwable leaveThreadWatch() {
    Object t = timer; // one read: a sweep may replace the mark with a timer, or a stamped mark
    if (t instanceof FarDeadlines.OnThread) {
      try {
        FarDeadlines.watch(this, ((FarDeadlines.OnThread) t).deadlineNow());
      } catch (Throwable e) { // out of memory, or no timer thread
        return e;
      }
    }
    return null;
  }

  /**
   * {@code outer} shows on its thread again with its far deadline still marked there, as its move
   * to a node failed: makes sure the sweeps run. If that fails too, the next sweep started for any
   * call finds it.
   */
  private static void showAgain(CapturedCall<?> outer) {
    try {
      FarDeadlines.watchOnThread();
    } catch (Throwable t) { // out of memory again, or no timer thread: never from runBody
      try {
        log.warn("The far deadline of {} is not watched until a sweep runs again", outer, t);
      } catch (Throwable ignored) { // logging itself failed: nothing more to be done here
      }
    }
  }

  /**
   * A sweep found the call as its thread's innermost: once its far deadline is less than {@code
   * horizon} away, the call gets a timer of its own.
   *
   * @return whether the call still waits for a later sweep
   */
  boolean sweptOnThread(long now, long horizon, UnaryOperator<FarDeadlines.OnThread> stamp) {
    Object t = timer;
    if (!(t instanceof FarDeadlines.OnThread) || isDone()) {
      return false;
    }
    FarDeadlines.OnThread mark = (FarDeadlines.OnThread) t;
    if (!mark.isStamped()) {
      FarDeadlines.OnThread stamped = stamp.apply(mark);
      if (!TIMER.compareAndSet(this, mark, stamped)) {
        return true; // it ended, or its thread moved it to a node (watchedBy): look again
      }
      mark = stamped;
    }
    long left = mark.deadline() - now;
    if (left >= horizon) {
      return true;
    }
    armTimeout(mark, Math.max(0, left));
    return false;
  }

  /**
   * A far deadline's sweep watches the call with {@code node}, unless a sweep gave it a timer
   * already (a call that ended meanwhile is pushed all the same, and its node forgotten by the next
   * sweep); published by the push that follows. A sweep may also swap the call's mark on its thread
   * for one that knows its deadline, between our read and our CAS: the call is then still watched
   * only through the thread it is leaving, so we try again from that mark. A sweep swaps a mark
   * once, so this ends (a hostile review found the deadline lost without the retry).
   *
   * @return whether the node now watches the call
   */
  boolean watchedBy(FarDeadlines.Node node) {
    for (Object t = timer; t == null || t instanceof FarDeadlines.OnThread; t = timer) {
      if (TIMER.compareAndSet(this, t, node)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stops the timer, or has the far-deadline sweep forget the call. Both are idempotent, so the
   * owner and {@link #armTimeout} may both do it; only armTimeout's write of a new timer needs its
   * fence (it then reads the state, which the owner changed before reading the timer).
   */
  private void stopTimer() {
    Object t = timer;
    if (t != null) {
      TIMER.setRelease(this, (Object) null);
      if (t instanceof FarDeadlines.Node) {
        ((FarDeadlines.Node) t).forget();
      } else if (t instanceof ScheduledFuture) {
        ((ScheduledFuture<?>) t).cancel(false);
      } // else OnThread: the sweeps find the call ended, or no longer on its thread
    }
  }

  private void scheduleOverrunWarning() {
    Duration limit = timeout; // null only when expired without one (the model tests do)
    long deadline = System.nanoTime();
    TimeoutScheduler.schedule(
        () -> {
          Thread thread = bodyThread;
          int b = body;
          if (thread != null && b != BODY_DONE) {
            long overrunMillis = (System.nanoTime() - deadline) / 1_000_000;
            Throwable where = new Throwable("stack of " + thread.getName());
            where.setStackTrace(thread.getStackTrace());
            log.warn(
                "Call {} timed out after {}, but its body ignored the interrupt: it is still running"
                    + " on {}, {} ms past the deadline",
                name(),
                limit == null ? "its deadline" : readable(limit),
                thread.getName(),
                overrunMillis,
                where);
          }
        },
        OVERRUN_WARNING_DELAY);
  }

  // ---------------------------------------------------------------- shield

  /**
   * Runs {@code fn} on the current thread, holding back this call's interrupts until it returns.
   */
  <R extends @Nullable Object> R shield(Callable<? extends R> function) {
    boolean held = shieldDepth++ == 0 && enterShield();
    try {
      return callRethrowing(function);
    } finally {
      if (--shieldDepth == 0 && held) {
        leaveShield();
      }
    }
  }

  /**
   * Holds back the call's interrupts.
   *
   * @return false if the body is over (a shield in a propagator's close): nothing to hold back
   */
  private boolean enterShield() {
    while (true) {
      int b = body;
      if (b == IN_BODY && BODY.compareAndSet(this, IN_BODY, SHIELDED)) {
        return true;
      }
      if (b == INTERRUPTED) { // cancelled already: hold the flag back while fn runs
        Thread.interrupted();
        body = SHIELDED_PENDING;
        return true;
      }
      if (b == BODY_DONE) {
        return false;
      }
      Thread.onSpinWait(); // INTERRUPTING: the canceller is between its CAS and interrupt()
    }
  }

  private void leaveShield() {
    while (true) {
      int b = body;
      if (b == SHIELDED && state == RUNNING) {
        if (BODY.compareAndSet(this, SHIELDED, IN_BODY)) {
          return;
        }
      } else if (b == SHIELDED_PENDING
          || (b == SHIELDED && BODY.compareAndSet(this, SHIELDED, INTERRUPTED))) {
        // Cancelled while shielded (perhaps before the canceller got to the interrupt):
        // deliver it now, as the shield returns; the canceller will find INTERRUPTED.
        body = INTERRUPTED;
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  static <R extends @Nullable Object> R callRethrowing(Callable<? extends R> function) {
    try {
      return function.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  // ---------------------------------------------------------------- outcome

  @Override
  public T result() {
    if (!isDone()) {
      Object blocked = WaitGraph.enter(this, null);
      try {
        awaitDone(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        throw interrupted(e);
      } finally {
        WaitGraph.exit(blocked);
      }
    }
    return outcome();
  }

  @Override
  public T result(Duration wait) throws TimeoutException {
    if (wait == null) {
      throw new NullPointerException("wait");
    }
    long nanos = Deadline.nanosOf(wait);
    if (nanos == Long.MAX_VALUE) {
      return result();
    }
    if (!isDone()) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(new InterruptedException());
      }
      if (nanos > 0) {
        Object blocked = WaitGraph.enter(this, null);
        try {
          awaitDone(nanos);
        } catch (InterruptedException e) {
          throw interrupted(e);
        } finally {
          WaitGraph.exit(blocked);
        }
      }
      if (!isDone()) {
        throw new TimeoutException(name() + " was not done within " + readable(wait));
      }
    }
    return outcome();
  }

  private CompletionException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return new CompletionException("Interrupted while waiting for " + this, e);
  }

  /**
   * The outcome of a done call: the volatile read of state orders the plain outcome field. NullAway
   * cannot follow the state: a SUCCEEDED outcome is a T (null if T allows it), any other a
   * Throwable.
   */
  @SuppressWarnings({"unchecked", "NullAway"})
  private T outcome() {
    if (state == SUCCEEDED) {
      return (T) outcome;
    }
    throw rethrow((Throwable) outcome);
  }

  @SuppressWarnings({"unchecked", "NullAway"}) // as outcome(): the state says what outcome holds
  private void completeView(CallFuture<T> v) {
    if (state == SUCCEEDED) {
      v.succeed((T) outcome);
    } else {
      v.fail((Throwable) outcome);
    }
  }

  /** The call's own cancellation, for views whose JDK reporting replaced it with {@code seen}. */
  CancellationException cancellation(CancellationException seen) {
    Object f = state == CANCELLED ? outcome : null;
    return f instanceof CancellationException ? (CancellationException) f : seen;
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException) {
      throw (RuntimeException) cause;
    }
    if (cause instanceof Error) {
      throw (Error) cause;
    }
    throw new CompletionException(cause);
  }

  // ---------------------------------------------------------------- for the wait-for graph

  /** The thread running the sync part of the body, or null. */
  @Nullable Thread bodyThread() {
    return bodyThread;
  }

  /** The thread finishing a cancellation of this call right now, or null. */
  @Nullable Thread canceller() {
    return canceller;
  }

  boolean isPending() {
    return state == PENDING;
  }

  // ---------------------------------------------------------------- for diagnostics

  /**
   * When a portal took the call while it is pending (0 if none did), when it started once it has,
   * in {@link System#nanoTime()}'s terms and up to a {@link CoarseClock} tick early.
   */
  long since() {
    return since;
  }

  /** The call this one runs inside on its body thread, or null. */
  @Nullable CapturedCall<?> outerOnThread() {
    return outerOnThread;
  }

  /** The name of the portal the call was submitted to, or null. */
  @Nullable String portalName() {
    Portal p = runner;
    return p == null ? null : p.name();
  }

  private void beginFlight(long queueDelay) {
    CallEvent event = new CallEvent();
    event.queueDelay = queueDelay;
    event.ranOn = Thread.currentThread();
    event.begin();
    flight = event;
  }

  private void commitTimeout(@Nullable Thread running) {
    TimeoutEvent event = new TimeoutEvent();
    event.call = name();
    event.portal = portalName();
    Duration limit = timeout;
    event.timeout = limit == null ? 0 : Deadline.nanosOf(limit); // expire() without a timeout
    event.runningOn = running;
    event.commit();
  }

  private void commitFlight(CallEvent event) {
    event.end();
    if (event.shouldCommit()) {
      event.call = name();
      event.portal = portalName();
      event.outcome = stateName();
      event.commit();
    }
  }

  /** Whether the async part is in flight: the function returned, its stage is pending. */
  boolean isAsyncInFlight() {
    return async && state == RUNNING && bodyThread == null;
  }

  @Override
  public CompletableFuture<T> toCompletableFuture() {
    CallFuture<T> v = view;
    if (v == null) {
      CallFuture<T> made = new CallFuture<>(this);
      @SuppressWarnings("unchecked")
      CallFuture<T> raced = (CallFuture<T>) VIEW.compareAndExchange(this, null, made);
      v = raced != null ? raced : made;
      if (raced == null && state >= COMPLETING) {
        awaitPublished(); // the owner may have looked for a view before we made it
        completeView(v);
      }
    }
    return v;
  }

  @Override
  public boolean isCancelled() {
    return state == CANCELLED;
  }

  @Override
  public boolean isTimedOut() {
    return state == CANCELLED && timedOut;
  }

  @Override
  public boolean isDone() {
    return state > COMPLETING;
  }

  @Override
  public boolean isRunning() {
    return state == RUNNING;
  }

  // ---------------------------------------------------------------- callbacks

  @Override
  public void addCancelCallback(Runnable callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    push(CANCELS, new Node(callback, false, null)); // closed: ending or done, so it never runs
  }

  @Override
  public void addDoneCallback(Consumer<? super Call<T>> callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    if (isDone()) {
      runDoneCallback(callback); // at once, on this thread, without a node
      return;
    }
    Node node = new Node(callback, false, null);
    doneNodeAdded(node, push(DONE, node));
  }

  /**
   * Pushes a runtime waiter's hook onto the done stack, where {@link #finish()} runs it. The hook
   * is its own node, so watching the call allocates nothing. A hook is pushed once at most; {@link
   * #doneHookAdded} must follow.
   *
   * @return whether it was pushed; false if the call is done
   */
  boolean pushDoneHook(CallDoneHook hook) {
    return !isDone() && push(DONE, hook);
  }

  /**
   * Ends what {@link #pushDoneHook} began, as {@link #addDoneCallback} does: a hook that was not
   * pushed runs now; a pushed one runs here if the owner may have looked at the stack before the
   * push. Either way it runs once.
   */
  void doneHookAdded(CallDoneHook hook, boolean pushed) {
    doneNodeAdded(hook, pushed);
  }

  /** The end of adding a done callback's node: see {@link #doneHookAdded}. */
  private void doneNodeAdded(Node node, boolean pushed) {
    if (!pushed) {
      runClaimed(node); // done: at once, on this thread
    } else if (state >= COMPLETING) { // the owner may have looked before our push
      awaitPublished();
      runClaimed(node);
    }
  }

  /** Takes back a pushed hook that must never run (its waiter was refused). */
  void withdrawDoneHook(CallDoneHook hook) {
    if (ITEM.compareAndSet(hook, hook, null)) {
      unlinkAbandoned();
    }
  }

  /** The newest hook on the done stack that has not run or been withdrawn; null once done. */
  @Nullable CallDoneHook newestDoneHook() {
    Node head = done;
    return head == CLOSED || head == null ? null : CallDoneHook.pendingFrom(head);
  }

  private void runCancelCallbacks(@Nullable Node taken) {
    Node callbacks = null; // reversed: in the order they were added
    for (Node n = taken; n != null && n != CLOSED; n = n.next) {
      callbacks = new Node(n.item, false, callbacks);
    }
    for (Node n = callbacks; n != null; n = n.next) {
      runSafely(
          (Runnable) Objects.requireNonNull(n.item, "callback"), "cancel callback"); // not parked
    }
  }

  /** Pushes {@code node} onto the stack at {@code head}, unless it is closed. */
  private boolean push(VarHandle head, Node node) {
    while (true) {
      Node h = (Node) head.getVolatile(this);
      if (h == CLOSED) {
        return false;
      }
      node.next = h;
      if (head.compareAndSet(this, h, node)) {
        return true;
      }
    }
  }

  /** Unlinks the nodes of waiters that gave up, as {@code FutureTask.removeWaiter} does. */
  private void unlinkAbandoned() {
    retry:
    while (true) {
      Node pred = null;
      Node q = done;
      if (q == CLOSED) {
        return;
      }
      while (q != null) {
        Node next = q.next;
        if (q.item != null) {
          pred = q;
        } else if (pred != null) {
          NEXT.setVolatile(pred, next);
          if (pred.item == null) { // pred gave up meanwhile: start again
            continue retry;
          }
        } else if (!DONE.compareAndSet(this, q, next)) {
          continue retry;
        }
        q = next;
      }
      return;
    }
  }

  /**
   * One entry of a stack: a parked waiter (its {@link Thread}, null once it gave up), a done
   * callback ({@link Consumer}, or a runtime waiter's {@link CallDoneHook}, which is its own node)
   * or a cancel callback ({@link Runnable}); in the lists that put callbacks in order, another
   * node. Package-private only so that {@link CallDoneHook} can extend it.
   */
  static class Node {
    final boolean parked;
    volatile @Nullable Object item;
    volatile @Nullable Node next;

    /** A node that is its own item ({@link CallDoneHook}). */
    Node() {
      this.item = this;
      this.parked = false;
    }

    Node(@Nullable Object item, boolean parked, @Nullable Node next) {
      this.item = item;
      this.parked = parked;
      this.next = next;
    }
  }

  private void runSafely(Runnable callback, String what) {
    try {
      callback.run();
    } catch (Throwable t) {
      log.error("A {} of {} threw; the other callbacks still run", what, this, t);
    }
  }

  @Override
  public String toString() {
    return name() + "(" + stateName() + ")";
  }

  private String stateName() {
    switch (state) {
      case PENDING:
        return "pending";
      case RUNNING:
        return "running";
      case SUCCEEDED:
        return "succeeded";
      case FAILED:
        return "failed";
      case CANCELLED:
        return timedOut ? "timed out" : "cancelled";
      case CANCELLING:
        return "cancelling";
      default:
        return "completing";
    }
  }
}

package org.portal4j.core;

import com.google.auto.service.AutoService;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.ConcurrencyRuntime;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.spi.PortalSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** concurrency-core's binding of the API, found by the API with {@link java.util.ServiceLoader}. */
@AutoService(ConcurrencyRuntime.class)
public final class CoreRuntime implements ConcurrencyRuntime {

  /** The global loop's name, which is also its thread's name. */
  public static final String GLOBAL_LOOP_NAME = "GlobalEventLoopThread";

  private static final Logger log = LoggerFactory.getLogger(CoreRuntime.class);

  /** Run-once workers for calls a caller waits for: the waiting caller keeps the JVM alive. */
  private static final PortalOptions NEW_THREAD =
      PortalOptions.builder().runOnce(true).daemon(true).build();

  /** Run-once workers for calls nobody waits for: they keep the JVM alive until they ran. */
  private static final PortalOptions NEW_THREAD_SOON =
      PortalOptions.builder().runOnce(true).build();

  private static final PortalOptions GLOBAL_LOOP =
      PortalOptions.builder().name(GLOBAL_LOOP_NAME).daemon(true).build();

  private final Backends backends;
  private final WaiterRegistry waiters = new WaiterRegistry();
  private final AtomicReference<LoopPortal> global = new AtomicReference<>();
  private final LivePortals live;
  private final PortalSupport portalSupport;

  /** Required by {@link java.util.ServiceLoader}; backends come from the class path. */
  public CoreRuntime() {
    this(Backends.fromClassPath(), true);
  }

  /** A runtime over {@code backends} that installs no JVM exit hook: for tests. */
  CoreRuntime(Backends backends) {
    this(backends, false);
  }

  private CoreRuntime(Backends backends, boolean exitHook) {
    this.backends = backends;
    this.live = new LivePortals(() -> Optional.ofNullable(global.get()), exitHook);
    this.portalSupport = new CorePortalSupport(live);
  }

  @Override
  public <T> Call<T> newCall(String name, Callable<? extends T> fn) {
    return CapturedCall.sync(name, fn);
  }

  @Override
  public <T> Call<T> newAsyncCall(
      String name, Callable<? extends CompletionStage<? extends T>> fn) {
    return CapturedCall.async(name, fn);
  }

  @Override
  public Optional<Call<?>> currentCall() {
    return CapturedCall.current();
  }

  @Override
  public <T> T shield(Callable<? extends T> fn) {
    if (fn == null) {
      throw new NullPointerException("fn");
    }
    Optional<Call<?>> current = CapturedCall.current();
    if (current.isEmpty()) {
      return CapturedCall.callRethrowing(fn);
    }
    return ((CapturedCall<?>) current.get()).shield(fn);
  }

  @Override
  public WorkerPortal newWorkerThread(PortalOptions options) {
    PortalProvider provider = backends.provider(PortalKind.WORKER);
    return made(provider, provider.newWorker(options), "newWorker");
  }

  @Override
  public LoopPortal newEventLoopThread(PortalOptions options) {
    PortalProvider provider = backends.provider(PortalKind.LOOP);
    return made(provider, provider.newLoop(options), "newLoop");
  }

  private static <P> P made(PortalProvider provider, P portal, String method) {
    if (portal == null) {
      throw new IllegalStateException(
          "The portal4j backend "
              + Backends.describe(provider)
              + " returned null from "
              + method
              + "(): a provider must make a portal or throw");
    }
    return portal;
  }

  @Override
  public LoopPortal globalLoop() {
    // Lock-free: a loser of the race drops its unstarted loop, and start() waits for readiness
    // without holding anything a caller could hold.
    while (true) {
      LoopPortal loop = global.get();
      if (loop == null || loop.isShutdown()) {
        LoopPortal fresh = newEventLoopThread(GLOBAL_LOOP);
        if (!global.compareAndSet(loop, fresh)) {
          fresh.shutdown(); // never started, but it may hold resources (a Netty selector)
          continue;
        }
        loop = fresh;
      }
      try {
        live.ensureHook(); // the exit sequence shuts the global loop down, whoever made it
        loop.start();
        return loop;
      } catch (RejectedExecutionException e) {
        // shut down by another thread since we looked: the next turn makes a new one
      }
    }
  }

  @Override
  public boolean inGlobalLoop() {
    LoopPortal loop = global.get();
    return loop != null && loop.inLoop();
  }

  @Override
  public void waitForGlobalLoopExit(Duration timeout) {
    LoopPortal loop = global.get();
    if (loop == null) {
      return;
    }
    if (loop.inLoop()) {
      throw new IllegalStateException(
          "Cannot wait for the global loop to exit from its own thread: it would wait for itself");
    }
    loop.shutdown();
    try {
      if (!loop.awaitTermination(timeout)) {
        log.warn("The global loop did not exit within {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CompletionException("Interrupted while waiting for the global loop to exit", e);
    }
  }

  @Override
  public Optional<LoopPortal> currentLoop() {
    Optional<LoopPortal> bound = CurrentLoop.get();
    if (bound.isPresent()) {
      return bound;
    }
    Optional<LoopPortal> found = backends.provider(PortalKind.LOOP).currentLoop();
    return found == null ? Optional.empty() : found;
  }

  @Override
  public Portal newThreadPortal(boolean waited) {
    return newWorkerThread(waited ? NEW_THREAD : NEW_THREAD_SOON);
  }

  @Override
  public PortalSupport portalSupport() {
    return portalSupport;
  }

  /** The portals started and not yet terminated; for tests of the exit sequence. */
  LivePortals livePortals() {
    return live;
  }

  @Override
  public Map<PortalKind, String> backends() {
    return backends.names();
  }

  @Override
  public <T> SyncWaiter<T> newSyncWaiter(Call<T> call) {
    return BlockingWaiter.register(call, waiters);
  }

  @Override
  public <T> AsyncWaiter<T> newAsyncWaiter(Call<T> call) {
    return LoopWaiter.register(call, waiters, this::loopOfCaller);
  }

  private LoopPortal loopOfCaller() {
    return currentLoop().orElseGet(this::globalLoop);
  }

  @Override
  public List<Waiter<?>> waitersFor(Thread thread) {
    return waiters.forThread(thread);
  }

  @Override
  public Optional<Waiter<?>> waiterOf(Call<?> call) {
    return waiters.of(call);
  }

  @Override
  public <T> T waitForCall(
      Supplier<? extends Portal> target,
      Call<T> call,
      Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    requireArguments(call, timeout, doneCallbacks);
    Portal portal = resolve(target, call);
    if (portal instanceof LoopPortal && ((LoopPortal) portal).inLoop()) {
      applyTimeout(call, timeout);
      return runInline((LoopPortal) portal, call, doneCallbacks);
    }
    // Refused before it is queued, and left alone, if waiting for it here could never end.
    WaitGraph.checkBeforeQueueing(call, portal);
    applyTimeout(call, timeout);
    BlockingWaiter<T> waiter = BlockingWaiter.register(call, waiters);
    try {
      for (Call<?> callback : doneCallbacks) {
        waiter.addDoneCallback(callback);
      }
      portal.submit(call);
    } catch (RuntimeException | Error e) {
      waiter.abandon();
      throw e;
    }
    waiter.await();
    return call.result();
  }

  /** Blocking for a call on the loop's own thread would never end: run it here instead. */
  private static <T> T runInline(
      LoopPortal loop, Call<T> call, Collection<? extends Call<?>> doneCallbacks) {
    call.setRunner(loop);
    call.run();
    if (!call.isDone()) {
      call.cancel();
      throw new IllegalStateException(
          "Deadlock: the async call "
              + call
              + " would have to be awaited on "
              + loop.name()
              + ", the loop it needs; it was cancelled. Use FromAsync on a loop thread.");
    }
    for (Call<?> callback : doneCallbacks) {
      callback.run();
    }
    return call.result();
  }

  @Override
  public <T> CompletableFuture<T> waitForCallAsync(
      Supplier<? extends Portal> target,
      Call<T> call,
      Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    requireArguments(call, timeout, doneCallbacks);
    Portal portal = resolve(target, call);
    applyTimeout(call, timeout);
    LoopWaiter<T> waiter = LoopWaiter.register(call, waiters, this::loopOfCaller);
    try {
      for (Call<?> callback : doneCallbacks) {
        waiter.addDoneCallback(callback);
      }
      portal.submit(call);
    } catch (RuntimeException | Error e) {
      waiter.abandon();
      throw e;
    }
    CompletionStage<Call<T>> waited;
    try {
      waited = waiter.awaitAsync();
    } catch (RuntimeException | Error e) {
      call.cancel(e); // submitted, but nobody can wait for it: it must not run unobserved
      throw e;
    }
    CompletableFuture<T> outcome = new CompletableFuture<>();
    outcome.whenComplete(
        (value, error) -> {
          if (outcome.isCancelled()) {
            call.cancel();
          }
        });
    waited.whenComplete(
        (done, waitError) -> {
          if (waitError != null) {
            call.cancel(waitError);
            outcome.completeExceptionally(waitError);
            return;
          }
          call.toCompletableFuture()
              .whenComplete(
                  (value, error) -> {
                    if (error == null) {
                      outcome.complete(value);
                    } else {
                      outcome.completeExceptionally(error);
                    }
                  });
        });
    return outcome;
  }

  @Override
  public <T> Call<T> callSoon(Supplier<? extends Portal> target, Call<T> call, Duration timeout) {
    requireArguments(call, timeout, List.of());
    Portal portal = resolve(target, call);
    applyTimeout(call, timeout);
    return portal.submit(call);
  }

  /** Checks the arguments, before anything happens to the call. */
  private static void requireArguments(
      Call<?> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    if (doneCallbacks == null) {
      throw new NullPointerException("doneCallbacks");
    }
    for (Call<?> callback : doneCallbacks) {
      if (callback == null) {
        throw new NullPointerException("doneCallbacks contains null");
      }
    }
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
  }

  /** Sets the timeout the caller gave, if any, as the call is about to be handed over. */
  private static void applyTimeout(Call<?> call, Duration timeout) {
    if (timeout != null) {
      call.setTimeout(timeout);
    }
  }

  /**
   * The portal the call goes to. The call was handed to us: if we cannot make or find its portal (a
   * backend fails), it ends, cancelled with that failure as cause, which then reaches the caller.
   */
  private static Portal resolve(Supplier<? extends Portal> target, Call<?> call) {
    Portal portal;
    try {
      portal = target.get();
    } catch (RuntimeException | Error e) {
      call.cancel(e);
      throw e;
    }
    if (portal == null) {
      IllegalStateException e = new IllegalStateException("No portal to run " + call + " on");
      call.cancel(e);
      throw e;
    }
    return portal;
  }
}

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
import org.portal4j.spi.ThreadBoundPortal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** concurrency-core's binding of the API, found by the API with {@link java.util.ServiceLoader}. */
@AutoService(ConcurrencyRuntime.class)
public final class CoreRuntime implements ConcurrencyRuntime {

  /** The global loop's name, which is also its thread's name. */
  public static final String GLOBAL_LOOP_NAME = "GlobalEventLoopThread";

  private static final Logger log = LoggerFactory.getLogger(CoreRuntime.class);
  private static final PortalOptions NEW_THREAD = PortalOptions.builder().runOnce(true).build();
  private static final PortalOptions GLOBAL_LOOP =
      PortalOptions.builder().name(GLOBAL_LOOP_NAME).daemon(true).build();

  private final Backends backends;
  private final WaiterRegistry waiters = new WaiterRegistry();
  private final AtomicReference<LoopPortal> global = new AtomicReference<>();

  /** Required by {@link java.util.ServiceLoader}; backends come from the class path. */
  public CoreRuntime() {
    this(Backends.fromClassPath());
  }

  CoreRuntime(Backends backends) {
    this.backends = backends;
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
    return backends.provider(PortalKind.WORKER).newWorker(options);
  }

  @Override
  public LoopPortal newEventLoopThread(PortalOptions options) {
    return backends.provider(PortalKind.LOOP).newLoop(options);
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
          continue;
        }
        loop = fresh;
      }
      try {
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
    backends.load(); // backends may teach CurrentLoop to recognise their threads
    return CurrentLoop.get();
  }

  @Override
  public Portal newThreadPortal() {
    return newWorkerThread(NEW_THREAD);
  }

  @Override
  public Map<PortalKind, String> backends() {
    return backends.names();
  }

  @Override
  public <T> SyncWaiter<T> newSyncWaiter(Call<T> call) {
    return new BlockingWaiter<>(call, waiters);
  }

  @Override
  public <T> AsyncWaiter<T> newAsyncWaiter(Call<T> call) {
    return new LoopWaiter<>(call, waiters, this::loopOfCaller);
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
      Portal portal, Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    requireArguments(portal, call);
    if (doneCallbacks == null) {
      throw new NullPointerException("doneCallbacks");
    }
    if (timeout != null) {
      call.setTimeout(timeout);
    }
    if (portal instanceof LoopPortal && ((LoopPortal) portal).inLoop()) {
      return runInline((LoopPortal) portal, call, doneCallbacks);
    }
    Thread me = Thread.currentThread();
    if (portal instanceof ThreadBoundPortal && ((ThreadBoundPortal) portal).runsOnlyOn(me)) {
      call.cancel(); // refused, not queued: it must not run later behind us, nor hang its waiters
      throw new IllegalStateException(
          "Deadlock: "
              + me.getName()
              + " would wait for "
              + call
              + ", which only "
              + me.getName()
              + " can run ("
              + portal.name()
              + "); it was cancelled instead of submitted");
    }
    BlockingWaiter<T> waiter = new BlockingWaiter<>(call, waiters);
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
      Portal portal, Call<T> call, Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    requireArguments(portal, call);
    if (doneCallbacks == null) {
      throw new NullPointerException("doneCallbacks");
    }
    if (timeout != null) {
      call.setTimeout(timeout);
    }
    LoopWaiter<T> waiter = new LoopWaiter<>(call, waiters, this::loopOfCaller);
    try {
      for (Call<?> callback : doneCallbacks) {
        waiter.addDoneCallback(callback);
      }
      portal.submit(call);
    } catch (RuntimeException | Error e) {
      waiter.abandon();
      throw e;
    }
    CompletableFuture<T> outcome = new CompletableFuture<>();
    outcome.whenComplete(
        (value, error) -> {
          if (outcome.isCancelled()) {
            call.cancel();
          }
        });
    waiter
        .awaitAsync()
        .whenComplete(
            (done, waitError) ->
                call.toCompletableFuture()
                    .whenComplete(
                        (value, error) -> {
                          if (error == null) {
                            outcome.complete(value);
                          } else {
                            outcome.completeExceptionally(error);
                          }
                        }));
    return outcome;
  }

  @Override
  public <T> Call<T> callSoon(Portal portal, Call<T> call, Duration timeout) {
    requireArguments(portal, call);
    if (timeout != null) {
      call.setTimeout(timeout);
    }
    return portal.submit(call);
  }

  private static void requireArguments(Portal portal, Call<?> call) {
    if (portal == null) {
      throw new NullPointerException("portal");
    }
    if (call == null) {
      throw new NullPointerException("call");
    }
  }
}

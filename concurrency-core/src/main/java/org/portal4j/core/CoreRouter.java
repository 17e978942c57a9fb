package org.portal4j.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.spi.CallRouter;

/**
 * Core's {@link CallRouter}: places a call on a portal for {@code FromSync} and {@code FromAsync},
 * with a waiter for the waiting forms, and the deadlock check before anything is queued.
 */
final class CoreRouter implements CallRouter {

  private final CorePortals portals;
  private final WaiterRegistry waiters;

  CoreRouter(CorePortals portals, WaiterRegistry waiters) {
    this.portals = portals;
    this.waiters = waiters;
  }

  @Override
  public <T extends @Nullable Object> T waitForCall(
      Portal target,
      Call<T> call,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    requireArguments(call, timeout, doneCallbacks);
    Portal portal = portals.forWaitedCall(target);
    if (portal instanceof LoopPortal && ((LoopPortal) portal).inLoop()) {
      applyTimeout(call, timeout);
      return runInline((LoopPortal) portal, call, doneCallbacks);
    }
    // Refused before it is queued, and left alone, if waiting for it here could never end.
    WaitGraph.checkBeforeQueueing(call, portal);
    applyTimeout(call, timeout);
    BlockingWaiter<T> waiter = BlockingWaiter.register(call, waiters);
    try {
      if (!doneCallbacks.isEmpty()) { // no iterator for the usual empty list
        for (Call<?> callback : doneCallbacks) {
          waiter.addDoneCallback(callback);
        }
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
  private static <T extends @Nullable Object> T runInline(
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
  public <T extends @Nullable Object> CompletableFuture<T> waitForCallAsync(
      Portal portal,
      Call<T> call,
      @Nullable Duration timeout,
      Collection<? extends Call<?>> doneCallbacks) {
    requireArguments(call, timeout, doneCallbacks);
    applyTimeout(call, timeout);
    LoopWaiter<T> waiter = LoopWaiter.register(call, waiters, portals::loopOfCaller);
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
  public <T extends @Nullable Object> Call<T> callSoon(
      Portal portal, Call<T> call, @Nullable Duration timeout) {
    requireArguments(call, timeout, List.of());
    applyTimeout(call, timeout);
    return portal.submit(call);
  }

  /** Checks the arguments, before anything happens to the call. */
  private static void requireArguments(
      Call<?> call, @Nullable Duration timeout, Collection<? extends Call<?>> doneCallbacks) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    if (doneCallbacks == null) {
      throw new NullPointerException("doneCallbacks");
    }
    if (!doneCallbacks.isEmpty()) { // no iterator for the usual empty list
      for (Call<?> callback : doneCallbacks) {
        if (callback == null) {
          throw new NullPointerException("doneCallbacks contains null");
        }
      }
    }
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
  }

  /** Sets the timeout the caller gave, if any, as the call is about to be handed over. */
  private static void applyTimeout(Call<?> call, @Nullable Duration timeout) {
    if (timeout != null) {
      call.setTimeout(timeout);
    }
  }
}

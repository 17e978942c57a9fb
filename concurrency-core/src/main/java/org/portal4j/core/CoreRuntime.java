package org.portal4j.core;

import com.google.auto.service.AutoService;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import org.portal4j.Call;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.ConcurrencyRuntime;
import org.portal4j.spi.PortalKind;

/** concurrency-core's binding of the API, found by the API with {@link java.util.ServiceLoader}. */
@AutoService(ConcurrencyRuntime.class)
public final class CoreRuntime implements ConcurrencyRuntime {

  private static final PortalOptions NEW_THREAD = PortalOptions.builder().runOnce(true).build();

  private final Backends backends;
  private final WaiterRegistry waiters = new WaiterRegistry();

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

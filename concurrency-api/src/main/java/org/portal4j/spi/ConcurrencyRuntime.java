package org.portal4j.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.WorkerPortal;

/**
 * The binding between the API's static entry points and an implementation ({@code
 * concurrency-core}), found once with {@link java.util.ServiceLoader}. Users never call it; each
 * method backs the API method of the same meaning, which documents it. Arguments have been checked
 * for null by the API unless noted.
 */
public interface ConcurrencyRuntime {

  /** Backs {@link Call#of}; {@code name} may be null. */
  <T> Call<T> newCall(String name, Callable<? extends T> fn);

  /** Backs {@link Call#ofAsync}; {@code name} may be null. */
  <T> Call<T> newAsyncCall(String name, Callable<? extends CompletionStage<? extends T>> fn);

  /** Backs {@link Call#current()}. */
  Optional<Call<?>> currentCall();

  /** Backs {@link Call#shield}. */
  <T> T shield(Callable<? extends T> fn);

  /** Backs {@link org.portal4j.Portals#newWorkerThread(PortalOptions)}. */
  WorkerPortal newWorkerThread(PortalOptions options);

  /** Backs {@link org.portal4j.Portals#newEventLoopThread(PortalOptions)}. */
  LoopPortal newEventLoopThread(PortalOptions options);

  /** Backs {@link org.portal4j.Portals#globalLoop()}. */
  LoopPortal globalLoop();

  /** Backs {@link org.portal4j.Portals#inGlobalLoop()}. */
  boolean inGlobalLoop();

  /** Backs {@link org.portal4j.Portals#waitForGlobalLoopExit(Duration)}. */
  void waitForGlobalLoopExit(Duration timeout);

  /** Backs {@link org.portal4j.Portals#currentLoop()}. */
  Optional<LoopPortal> currentLoop();

  /**
   * A run-once worker of the chosen worker backend, for the new-thread methods of FromSync and
   * FromAsync.
   *
   * @param waited whether a caller waits for its call (then it need not keep the JVM alive)
   */
  Portal newThreadPortal(boolean waited);

  /** Backs {@link org.portal4j.Portals#backends()}. */
  Map<PortalKind, String> backends();

  /** Backs {@link org.portal4j.Waiters#sync}. */
  <T> SyncWaiter<T> newSyncWaiter(Call<T> call);

  /** Backs {@link org.portal4j.Waiters#async}. */
  <T> AsyncWaiter<T> newAsyncWaiter(Call<T> call);

  /** Backs {@link org.portal4j.Waiters#forThread}. */
  List<Waiter<?>> waitersFor(Thread thread);

  /** Backs {@link org.portal4j.Waiters#of}. */
  Optional<Waiter<?>> waiterOf(Call<?> call);

  /**
   * Backs {@link org.portal4j.FromSync#waitForCallIn}; {@code timeout} may be null. The target is
   * resolved after the arguments are checked; if it throws, the call ends cancelled with that
   * failure as cause, which then reaches the caller.
   */
  <T> T waitForCall(
      Supplier<? extends Portal> target,
      Call<T> call,
      Duration timeout,
      Collection<? extends Call<?>> doneCallbacks);

  /** Backs {@link org.portal4j.FromAsync#waitForCallIn}, as {@link #waitForCall} does. */
  <T> CompletableFuture<T> waitForCallAsync(
      Supplier<? extends Portal> target,
      Call<T> call,
      Duration timeout,
      Collection<? extends Call<?>> doneCallbacks);

  /** The runtime's services to the portals of {@link org.portal4j.spi.support}. */
  PortalSupport portalSupport();

  /** Backs {@link org.portal4j.FromSync#callSoonInNewThread}; {@code timeout} may be null. */
  <T> Call<T> callSoon(Supplier<? extends Portal> target, Call<T> call, Duration timeout);
}

package org.portal4j.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.spi.WaiterFactory;

/** Core's {@link WaiterFactory}: sync waiters block, async ones run on the caller's loop. */
final class CoreWaiters implements WaiterFactory {

  private final WaiterRegistry registry = new WaiterRegistry();
  private final Supplier<LoopPortal> loopOfCaller;

  /**
   * @param loopOfCaller the loop of the calling thread, else the global loop
   */
  CoreWaiters(Supplier<LoopPortal> loopOfCaller) {
    this.loopOfCaller = loopOfCaller;
  }

  WaiterRegistry registry() {
    return registry;
  }

  @Override
  public <T extends @Nullable Object> SyncWaiter<T> newSyncWaiter(Call<T> call) {
    return BlockingWaiter.register(call, registry);
  }

  @Override
  public <T extends @Nullable Object> AsyncWaiter<T> newAsyncWaiter(Call<T> call) {
    return LoopWaiter.register(call, registry, loopOfCaller);
  }

  @Override
  public List<Waiter<?>> forThread(Thread thread) {
    return registry.forThread(thread);
  }

  @Override
  public Optional<Waiter<?>> of(Call<?> call) {
    return registry.of(call);
  }
}

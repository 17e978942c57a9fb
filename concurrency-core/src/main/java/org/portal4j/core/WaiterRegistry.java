package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.portal4j.Call;
import org.portal4j.Waiter;

/**
 * Which waiters are active: per owner thread, innermost last, and per waited call. Entries exist
 * only while a waiter is registered, so finished waiters and their threads are never kept alive.
 */
final class WaiterRegistry {

  private final ConcurrentHashMap<Thread, List<Waiter<?>>> byThread = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Call<?>, Waiter<?>> byCall = new ConcurrentHashMap<>();

  /**
   * Registers {@code waiter} for its owner thread and its call.
   *
   * @throws IllegalStateException if the call already has a waiter
   */
  void register(Waiter<?> waiter) {
    Waiter<?> existing = byCall.putIfAbsent(waiter.call(), waiter);
    if (existing != null) {
      throw new IllegalStateException(
          waiter.call() + " already has a waiter on " + existing.owner().getName());
    }
    byThread.compute(
        waiter.owner(),
        (thread, list) -> {
          List<Waiter<?>> copy = list == null ? new ArrayList<>(1) : new ArrayList<>(list);
          copy.add(waiter);
          return List.copyOf(copy);
        });
  }

  /** Removes {@code waiter}; harmless if it is not registered. */
  void deregister(Waiter<?> waiter) {
    byCall.remove(waiter.call(), waiter);
    byThread.computeIfPresent(
        waiter.owner(),
        (thread, list) -> {
          List<Waiter<?>> copy = new ArrayList<>(list);
          copy.remove(waiter);
          return copy.isEmpty() ? null : List.copyOf(copy);
        });
  }

  List<Waiter<?>> forThread(Thread thread) {
    return byThread.getOrDefault(thread, List.of());
  }

  Optional<Waiter<?>> of(Call<?> call) {
    return Optional.ofNullable(byCall.get(call));
  }
}

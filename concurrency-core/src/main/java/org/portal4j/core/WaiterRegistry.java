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

  /**
   * Per owner thread: its one waiter (the common case, no list to copy) or an immutable list of
   * them, innermost last.
   */
  private final ConcurrentHashMap<Thread, Object> byThread = new ConcurrentHashMap<>();

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
    if (byThread.putIfAbsent(waiter.owner(), waiter) != null) {
      byThread.compute(
          waiter.owner(),
          (thread, entry) -> {
            List<Waiter<?>> copy = new ArrayList<>(listOf(entry));
            copy.add(waiter);
            return List.copyOf(copy);
          });
    }
  }

  /** Removes {@code waiter}; harmless if it is not registered. */
  void deregister(Waiter<?> waiter) {
    byCall.remove(waiter.call(), waiter);
    if (!byThread.remove(waiter.owner(), waiter)) {
      byThread.computeIfPresent(
          waiter.owner(),
          (thread, entry) -> {
            List<Waiter<?>> copy = new ArrayList<>(listOf(entry));
            copy.remove(waiter);
            return copy.isEmpty() ? null : copy.size() == 1 ? copy.get(0) : List.copyOf(copy);
          });
    }
  }

  /** Whether {@code waiter} is registered and its owner has no other waiter; makes nothing. */
  boolean isOnlyWaiterOfItsOwner(Waiter<?> waiter) {
    return byThread.get(waiter.owner()) == waiter;
  }

  /** The waiters of {@code thread}, innermost last. */
  List<Waiter<?>> forThread(Thread thread) {
    Object entry = byThread.get(thread);
    return entry == null ? List.of() : listOf(entry);
  }

  @SuppressWarnings("unchecked")
  private static List<Waiter<?>> listOf(Object entry) {
    return entry instanceof Waiter ? List.of((Waiter<?>) entry) : (List<Waiter<?>>) entry;
  }

  Optional<Waiter<?>> of(Call<?> call) {
    return Optional.ofNullable(byCall.get(call));
  }
}

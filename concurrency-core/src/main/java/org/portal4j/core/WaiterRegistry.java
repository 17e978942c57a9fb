package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.portal4j.Call;
import org.portal4j.Waiter;

/**
 * Which waiters are active: per owner thread, innermost last, and per waited call. A call's entry
 * exists only while its waiter is registered. A platform thread keeps its entry between its
 * waiters, as {@link #NO_WAITER}, so that a thread waiting with a waiter again and again (every
 * {@code FromSync} call) allocates no map node for it; the entries of threads that ended are swept
 * out ({@link #dropEnded}), so no thread is kept alive for long. A virtual thread's entry goes with
 * its last waiter.
 */
final class WaiterRegistry {

  /** The value of a platform thread that has no waiter now. */
  private static final Object NO_WAITER =
      new Object() {
        @Override
        public String toString() {
          return "no waiter";
        }
      };

  /** The fewest entries added between two sweeps. */
  private static final int MIN_SWEEP_AT = 64;

  /**
   * Per owner thread: its one waiter (the common case, no list to copy), an immutable list of them,
   * innermost last, or {@link #NO_WAITER}.
   */
  private final ConcurrentHashMap<Thread, Object> byThread = new ConcurrentHashMap<>();

  private final ConcurrentHashMap<Call<?>, Waiter<?>> byCall = new ConcurrentHashMap<>();

  private final SweepPacing sweeps = new SweepPacing(MIN_SWEEP_AT);

  /** {@link #dropEnded}, made once: a method reference per registration would be 16 bytes. */
  private final IntSupplier sweep = this::dropEnded;

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
    Thread owner = waiter.owner();
    if (byThread.replace(owner, NO_WAITER, waiter)) { // the entry it kept: nothing to allocate
      sweeps.reused(sweep);
      return;
    }
    if (byThread.putIfAbsent(owner, waiter) == null) {
      if (!VirtualThreads.isVirtual(owner)) {
        sweeps.added(sweep);
      }
      return;
    }
    byThread.compute(
        owner,
        (thread, entry) -> {
          if (entry == null || entry == NO_WAITER) {
            return waiter;
          }
          List<Waiter<?>> copy = new ArrayList<>(listOf(entry));
          copy.add(waiter);
          return List.copyOf(copy);
        });
  }

  /** Removes {@code waiter}; harmless if it is not registered. */
  void deregister(Waiter<?> waiter) {
    byCall.remove(waiter.call(), waiter);
    Thread owner = waiter.owner();
    boolean virtual = VirtualThreads.isVirtual(owner);
    if (virtual ? byThread.remove(owner, waiter) : byThread.replace(owner, waiter, NO_WAITER)) {
      return;
    }
    Object now = byThread.get(owner);
    if (now == null || now == NO_WAITER || (now instanceof Waiter && now != waiter)) {
      return; // not there (deregistered already), and a waiter is never registered again
    }
    // In a list, or alone again: another waiter of the owner went since the replace above.
    byThread.computeIfPresent(
        owner,
        (thread, entry) -> {
          List<Waiter<?>> copy = new ArrayList<>(listOf(entry));
          if (!copy.remove(waiter)) {
            return entry;
          }
          if (copy.isEmpty()) {
            return virtual ? null : NO_WAITER;
          }
          return copy.size() == 1 ? copy.get(0) : List.copyOf(copy);
        });
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
    if (entry == NO_WAITER) {
      return List.of();
    }
    return entry instanceof Waiter ? List.of((Waiter<?>) entry) : (List<Waiter<?>>) entry;
  }

  Optional<Waiter<?>> of(Call<?> call) {
    return Optional.ofNullable(byCall.get(call));
  }

  /**
   * Drops the entries of threads that ended and have no waiter ({@link #sweeps} paces it, after
   * additions and now and then as a registration reuses an entry). A thread that ended registers no
   * more waiters; one it left registered goes with that waiter's call.
   *
   * @return how many entries are left
   */
  private int dropEnded() {
    byThread.entrySet().removeIf(e -> e.getValue() == NO_WAITER && !e.getKey().isAlive());
    return byThread.size();
  }

  /** How many threads have an entry, with a waiter or not; for tests. */
  int threadEntries() {
    return byThread.size();
  }

  /** Whether {@code thread} has an entry, with a waiter or not; for tests. */
  boolean hasThreadEntry(Thread thread) {
    return byThread.containsKey(thread);
  }
}

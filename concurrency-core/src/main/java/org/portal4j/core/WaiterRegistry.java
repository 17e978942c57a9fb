package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.Waiter;

/**
 * Which waiters are active: per owner thread, innermost last, and per waited call. A call's entry
 * exists only while its waiter is registered: for a {@link CapturedCall} that is not done, it is
 * the waiter itself, as the hook on the call's done stack that it needs anyway ({@link
 * #registerAsHook}); otherwise a node of {@link #byCall}. A platform thread keeps its entry between
 * its waiters, as {@link #NO_WAITER}, so that a thread waiting with a waiter again and again (every
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

  /**
   * The waiters of calls that are not a {@link CapturedCall}, and of captured calls that were done
   * when the waiter came: empty on the hot path.
   */
  private final ConcurrentHashMap<Call<?>, Waiter<?>> byCall = new ConcurrentHashMap<>();

  private final SweepPacing sweeps = new SweepPacing(MIN_SWEEP_AT);

  /** {@link #dropEnded}, made once: a method reference per registration would be 16 bytes. */
  private final IntSupplier sweep = this::dropEnded;

  /**
   * Registers {@code waiter} for its owner thread and its call, in {@link #byCall}: for calls that
   * are not a {@link CapturedCall}, whose waiters watch them by a done callback.
   *
   * @throws IllegalStateException if the call already has a waiter
   */
  void register(Waiter<?> waiter) {
    Waiter<?> existing = byCall.putIfAbsent(waiter.call(), waiter);
    if (existing != null) {
      throw alreadyWaitedFor(waiter, existing);
    }
    registerForThread(waiter);
  }

  /**
   * Registers the waiter of a {@link CapturedCall} for its owner thread and its call. While the
   * call is not done, the waiter's entry for the call is its hook on the call's done stack, which
   * it needs anyway to hear the call end: no map node per call. Waiters registered for a call that
   * is done already meet in {@link #byCall}.
   *
   * <p>One waiter per call: a waiter that finds below its own hook an older one whose waiter holds
   * the call ({@link #holdsItsCall}) withdraws its hook and is refused, so of two registering at
   * once, the one pushed first wins. (Should a third, older waiter go while both look, both may be
   * refused.) A waiter is registered for its thread only once it holds its call, so a refused one
   * is never seen there.
   *
   * @return whether the waiter's hook was pushed ({@link CapturedCall#doneHookAdded} must follow)
   * @throws IllegalStateException if the call already has a waiter
   */
  boolean registerAsHook(AbstractWaiter<?> waiter, CapturedCall<?> call) {
    if (call.pushDoneHook(waiter)) {
      for (CallDoneHook h = waiter.nextPendingHook(); h != null; h = h.nextPendingHook()) {
        if (holdsItsCall(h)) {
          call.withdrawDoneHook(waiter);
          throw alreadyWaitedFor(waiter, (AbstractWaiter<?>) h);
        }
      }
      registerForThread(waiter);
      if (waiter.item == null) { // its hook ran: the call ended, and may have deregistered it first
        deregisterForThread(waiter); // (nothing awaits it yet, so it was not to stay)
      }
      return true;
    }
    // Done. A waiter that held the call as it ended is registered for its thread, until it ends.
    Waiter<?> existing = byCall.putIfAbsent(call, waiter);
    if (existing == null) {
      existing = registeredWaiterOf(call, waiter);
      if (existing != null) {
        byCall.remove(call, waiter);
      }
    }
    if (existing != null) {
      throw alreadyWaitedFor(waiter, existing);
    }
    registerForThread(waiter);
    return false;
  }

  private static IllegalStateException alreadyWaitedFor(Waiter<?> waiter, Waiter<?> existing) {
    return new IllegalStateException(
        waiter.call() + " already has a waiter on " + existing.owner().getName());
  }

  private void registerForThread(Waiter<?> waiter) {
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

  /**
   * Removes {@code waiter}; harmless if it is not registered. A waiter whose entry for its call is
   * its hook leaves the call once the hook ran or the waiter ended ({@link
   * AbstractWaiter#endWaiting}), which comes before this whenever a waiter stops before its call is
   * done.
   */
  void deregister(Waiter<?> waiter) {
    deregisterForThread(waiter); // first: one in byCall is registered for its thread too
    if (!byCall.isEmpty()) { // empty on the hot path: no hash of the call to compute
      byCall.remove(waiter.call(), waiter);
    }
  }

  private void deregisterForThread(Waiter<?> waiter) {
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

  /**
   * Whether {@code hook}, found on a call's done stack and not run, is a waiter of this registry
   * that holds its call: it was not refused, and it did not end (a waiter that stops waiting for a
   * call that is not done leaves it to another, as one refused by the deadlock check does).
   */
  private boolean holdsItsCall(CallDoneHook hook) {
    if (!(hook instanceof AbstractWaiter)) {
      return false;
    }
    AbstractWaiter<?> waiter = (AbstractWaiter<?>) hook;
    return waiter.registry == this && hook.item != null && !waiter.hasEnded();
  }

  /** The waiter registered for {@code call} besides {@code except}, found by its hook or thread. */
  private @Nullable Waiter<?> registeredWaiterOf(CapturedCall<?> call, @Nullable Waiter<?> except) {
    for (CallDoneHook h = call.newestDoneHook(); h != null; h = h.nextPendingHook()) {
      if (h != except && holdsItsCall(h)) {
        return (AbstractWaiter<?>) h;
      }
    }
    if (!call.isDone()) {
      return null;
    }
    // Rare: a diagnostic, or a waiter made for a call that is done.
    for (Object entry : byThread.values()) {
      for (Waiter<?> w : listOf(entry)) {
        if (w.call() == call && w != except) {
          return w;
        }
      }
    }
    return null;
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
    Waiter<?> waiter = byCall.isEmpty() ? null : byCall.get(call);
    if (waiter == null && call instanceof CapturedCall) {
      waiter = registeredWaiterOf((CapturedCall<?>) call, null);
    }
    return Optional.ofNullable(waiter);
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

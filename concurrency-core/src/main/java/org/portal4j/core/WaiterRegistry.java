package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.Waiter;
import org.portal4j.internal.SpinWait;

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

  /**
   * At least the number of entries in {@link #byCall}: counted up before an entry goes in, down
   * after it went. Zero tells {@link #deregister} that no entry can be a waiter's own without the
   * hash of its call ({@code isEmpty()} could read zero for a moment while another thread changes
   * the map).
   */
  private final AtomicInteger byCallEntries = new AtomicInteger();

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
    Waiter<?> existing = putForCall(waiter.call(), waiter);
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
   * <p>One waiter per call. The waiter is registered for its thread first, {@link
   * AbstractWaiter#DECIDING}; then its hook is pushed, and it holds the call unless an older hook
   * below its own holds it ({@link #holds}, which waits out a waiter still deciding). Of two
   * registering at once, the one pushed first holds the call. A waiter that comes once the call is
   * done holds it unless another one does: one that came before the end and is still registered for
   * its thread, or one that came after it and met it in {@link #byCall} first. A refused waiter is
   * marked {@link AbstractWaiter#REFUSED} before anything else, so that no one waits for it; until
   * then, {@link #forThread} may list it.
   *
   * @return whether the waiter's hook was pushed ({@link CapturedCall#doneHookAdded} must follow)
   * @throws IllegalStateException if the call already has a waiter
   */
  boolean registerAsHook(AbstractWaiter<?> waiter, CapturedCall<?> call) {
    registerForThread(waiter); // first: the call's end deregisters it after this, never before
    boolean pushed = false;
    Waiter<?> holder;
    try {
      pushed = call.pushDoneHook(waiter);
      holder = pushed ? holderFrom(waiter.nextPendingHook(), true) : holderOfDoneCall(call, waiter);
    } catch (Throwable t) { // decided all the same: whoever waits for the decision goes on
      refuse(waiter, call, pushed);
      throw t;
    }
    if (holder != null) {
      refuse(waiter, call, pushed);
      throw alreadyWaitedFor(waiter, holder);
    }
    waiter.decided(true);
    return pushed;
  }

  /**
   * The holder of the call among the pending hooks from {@code first} down a call's done stack, or
   * null; {@code decide} as for {@link #holds}.
   */
  private @Nullable AbstractWaiter<?> holderFrom(@Nullable CallDoneHook first, boolean decide) {
    for (CallDoneHook h = first; h != null; h = h.nextPendingHook()) {
      if (holds(h, decide)) {
        return (AbstractWaiter<?>) h;
      }
    }
    return null;
  }

  /**
   * For a waiter that comes once {@code call} is done: the waiter that holds the call, or null once
   * {@code waiter} has its entry in {@link #byCall}. A waiter that held the call as it ended is on
   * no stack any more, but registered for its thread until it ends.
   */
  private @Nullable Waiter<?> holderOfDoneCall(CapturedCall<?> call, AbstractWaiter<?> waiter) {
    Waiter<?> holder = putForCall(call, waiter);
    if (holder == null) {
      holder = holderAmongThreads(call, waiter, true);
      if (holder != null) {
        removeForCall(call, waiter);
      }
    }
    return holder;
  }

  private void refuse(AbstractWaiter<?> waiter, CapturedCall<?> call, boolean pushed) {
    waiter.decided(false);
    if (pushed) {
      call.withdrawDoneHook(waiter);
    } else {
      removeForCall(call, waiter);
    }
    deregisterForThread(waiter);
  }

  private @Nullable Waiter<?> putForCall(Call<?> call, Waiter<?> waiter) {
    byCallEntries.incrementAndGet();
    Waiter<?> existing = byCall.putIfAbsent(call, waiter);
    if (existing != null) {
      byCallEntries.decrementAndGet();
    }
    return existing;
  }

  private void removeForCall(Call<?> call, Waiter<?> waiter) {
    if (byCall.remove(call, waiter)) {
      byCallEntries.decrementAndGet();
    }
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
    if (byCallEntries.get() > 0) { // none on the hot path: no hash of the call to compute
      removeForCall(waiter.call(), waiter);
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
   * Whether {@code hook} is a waiter of this registry that holds its call: it was not refused, and
   * its waiting did not end, or ended once the call was done and it is still registered (running
   * its done callbacks). One still deciding is waited out when {@code decide} (its decision is a
   * few steps away and never waits for the asker: a waiter waits only for older hooks, or, once the
   * call is done, only the one that took its {@link #byCall} entry), and passed over otherwise (a
   * diagnostic does not wait).
   */
  private boolean holds(Object hook, boolean decide) {
    if (!(hook instanceof AbstractWaiter) || ((AbstractWaiter<?>) hook).registry != this) {
      return false;
    }
    AbstractWaiter<?> waiter = (AbstractWaiter<?>) hook;
    byte hold = waiter.hold();
    for (int spins = 1; hold == AbstractWaiter.DECIDING && decide; spins++) {
      SpinWait.pause(spins);
      hold = waiter.hold();
    }
    if (hold == AbstractWaiter.ENDED) {
      return waiter.call.isDone() && forThread(waiter.owner()).contains(waiter);
    }
    return hold == AbstractWaiter.HOLDS;
  }

  /**
   * The waiter of {@code call} registered for its thread that holds it, besides {@code except}; for
   * a call that is done (rare: a diagnostic, or a waiter made for a call that is done).
   */
  private @Nullable Waiter<?> holderAmongThreads(
      CapturedCall<?> call, @Nullable Waiter<?> except, boolean decide) {
    for (Object entry : byThread.values()) {
      for (Waiter<?> w : listOf(entry)) {
        if (w.call() == call && w != except && holds(w, decide)) {
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
    Waiter<?> waiter = byCallEntries.get() > 0 ? byCall.get(call) : null;
    if (waiter == null && call instanceof CapturedCall) {
      CapturedCall<?> captured = (CapturedCall<?>) call;
      waiter = holderFrom(captured.newestDoneHook(), false);
      if (waiter == null && captured.isDone()) {
        waiter = holderAmongThreads(captured, null, false);
      }
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

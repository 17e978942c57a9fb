package org.portal4j.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Which call each thread is running right now, readable from any thread: what {@link
 * org.portal4j.Call#current()} answers, and what diagnostics list as running.
 *
 * <p>Built for a hot path that nobody watches: each thread that runs a call gets one {@link Slot},
 * registered once, in one of a few stripes picked by thread id (so that threads made per call, as
 * virtual threads often are, do not all meet on one queue); after that, starting and ending a call
 * writes the thread's own slot (a release store) and touches nothing shared. Readers walk the
 * slots. A slot holds its thread weakly, and a stripe sweeps out the slots of threads that ended
 * now and then, as its registrations grow, so the registry never keeps a thread alive and stays
 * about as large as the number of threads that run calls.
 */
final class RunningCalls {

  private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();
  private static final int STRIPES = 16; // a power of two
  private static final Stripe[] STRIPED = new Stripe[STRIPES];
  private static final int MIN_SWEEP_AT = 32;

  private static final VarHandle CALL;

  static {
    for (int i = 0; i < STRIPES; i++) {
      STRIPED[i] = new Stripe();
    }
    try {
      CALL = MethodHandles.lookup().findVarHandle(Slot.class, "call", CapturedCall.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private RunningCalls() {}

  /** One thread's innermost running call; the calls it runs within are linked from it. */
  static final class Slot {
    final WeakReference<Thread> thread;

    /** Written by the owner thread only, with release; read by others with acquire. */
    @SuppressWarnings("unused") // through CALL
    private @Nullable CapturedCall<?> call;

    private Slot(Thread thread) {
      this.thread = new WeakReference<>(thread);
    }

    /** The innermost call, for the owner thread. */
    @Nullable CapturedCall<?> call() {
      return call;
    }

    /** The owner thread starts running {@code c} (inside whatever it ran before). */
    void set(@Nullable CapturedCall<?> c) {
      CALL.setRelease(this, c);
    }

    /** The innermost call, for any thread. */
    @Nullable CapturedCall<?> read() {
      return (CapturedCall<?>) CALL.getAcquire(this);
    }
  }

  /** The current thread's slot, registered on first use. */
  static Slot slot() {
    Slot s = SLOT.get();
    return s != null ? s : register();
  }

  /** The call the current thread runs, or null; registers nothing. */
  static @Nullable CapturedCall<?> current() {
    Slot s = SLOT.get();
    return s == null ? null : s.call();
  }

  private static Slot register() {
    Thread me = Thread.currentThread();
    if (me instanceof ForkJoinWorkerThread) {
      // A pool worker may have its thread locals erased while it lives (the common pool's do when
      // they go idle): it keeps the slot it registered before, or the stripe would grow by one
      // slot per erasure. Only those threads look: a search per new thread would cost the
      // threads made per call (virtual ones often are) a walk of their stripe.
      for (Slot s : stripeOf(me).slots) {
        if (s.thread.get() == me) {
          SLOT.set(s);
          return s;
        }
      }
    }
    Slot s = new Slot(me);
    stripeOf(me).add(s); // first: a slot that readers cannot find must not be the thread's
    SLOT.set(s);
    return s;
  }

  @SuppressWarnings("deprecation") // Thread.threadId() is Java 19; getId() is the same number
  private static Stripe stripeOf(Thread thread) {
    return STRIPED[(int) thread.getId() & (STRIPES - 1)];
  }

  /** Some of the slots, with their own sweeps. */
  private static final class Stripe {
    final ConcurrentLinkedQueue<Slot> slots = new ConcurrentLinkedQueue<>();
    final SweepPacing sweeps = new SweepPacing(MIN_SWEEP_AT);

    void add(Slot s) {
      slots.add(s);
      sweeps.added(this::dropEnded);
    }

    /** Drops the slots of threads that ended, unless another thread is. */
    void sweep() {
      sweeps.sweep(this::dropEnded);
    }

    /** Drops the slots of threads that ended; returns how many are left. */
    private int dropEnded() {
      int live = 0;
      for (Iterator<Slot> it = slots.iterator(); it.hasNext(); ) {
        Thread t = it.next().thread.get();
        if (t == null || !t.isAlive()) {
          it.remove();
        } else {
          live++;
        }
      }
      return live;
    }
  }

  /** A thread and its innermost running call, as read now. */
  static final class Running {
    final Thread thread;
    final CapturedCall<?> call;

    Running(Thread thread, CapturedCall<?> call) {
      this.thread = thread;
      this.call = call;
    }
  }

  /** The threads running a call now, each with its innermost call; sweeps on the way. */
  static List<Running> snapshot() {
    List<Running> running = new ArrayList<>();
    for (Stripe stripe : STRIPED) {
      stripe.sweep();
      for (Slot s : stripe.slots) {
        CapturedCall<?> c = s.read();
        Thread t = s.thread.get();
        if (c != null && t != null) {
          running.add(new Running(t, c));
        }
      }
    }
    return running;
  }

  /**
   * Hands the innermost call of each thread running one now to {@code visitor}, without sweeping or
   * allocating per thread: what the far-deadline sweeps walk every tick ({@link FarDeadlines}).
   */
  static void forEachCall(Consumer<CapturedCall<?>> visitor) {
    for (Stripe stripe : STRIPED) {
      for (Slot s : stripe.slots) {
        CapturedCall<?> c = s.read();
        if (c != null) {
          visitor.accept(c);
        }
      }
    }
  }

  /** The innermost call {@code thread} runs now, or null. */
  static @Nullable CapturedCall<?> currentOf(Thread thread) {
    for (Slot s : stripeOf(thread).slots) {
      if (s.thread.get() == thread) {
        return s.read();
      }
    }
    return null;
  }

  /** Forgets the current thread's slot as an erasure of its thread locals would; for tests. */
  static void eraseSlotForTest() {
    SLOT.remove();
  }

  /** How many slots are registered for {@code thread}, for tests. */
  static int registeredFor(Thread thread) {
    int n = 0;
    for (Slot s : stripeOf(thread).slots) {
      if (s.thread.get() == thread) {
        n++;
      }
    }
    return n;
  }

  /** How many slots are registered, for tests. */
  static int registered() {
    int n = 0;
    for (Stripe stripe : STRIPED) {
      n += stripe.slots.size();
    }
    return n;
  }
}

package org.portal4j.services;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Drives a queue service's consumer one turn at a time, on its loop. One flag, the baton, is held
 * by whoever may run turns: the start-up, a turn dispatched or running, or work in progress. Any
 * thread can {@link #wake()} the consumer: it dispatches a turn if it takes the baton from free,
 * and does nothing otherwise (the holder will look). A turn either returns work in progress (the
 * baton travels with it and a new turn is dispatched when it completes), or the end ({@link
 * #FINISHED}: the baton is kept for good), or nothing to do: then the driver lets the baton go and
 * looks once more, since a wake-up may have come while it held it. So turns never overlap, and no
 * wake-up is lost.
 */
final class ConsumerDriver {

  /** A turn's answer that ends the consumer: nothing runs after it. */
  static final CompletionStage<Void> FINISHED = CompletableFuture.completedFuture(null);

  /** The consumer the driver runs. */
  interface Turns {
    /**
     * One turn, on the consumer's thread, with the baton held.
     *
     * @return work in progress that must never complete exceptionally, {@link #FINISHED}, or null
     *     when there is nothing to do now
     */
    @Nullable CompletionStage<?> turn();

    /** Whether a turn has anything to do; asked after the baton was let go. */
    boolean wanted();
  }

  private final AtomicBoolean baton = new AtomicBoolean(true); // held by the start-up
  private final Turns turns;
  private final Consumer<Runnable> dispatch;

  /**
   * @param turns the consumer
   * @param dispatch runs a task on the consumer's loop (or here, once the loop is gone)
   */
  ConsumerDriver(Turns turns, Consumer<Runnable> dispatch) {
    this.turns = turns;
    this.dispatch = dispatch;
  }

  /** Makes sure a turn runs soon. Any thread; never waits. */
  void wake() {
    if (!baton.get() && baton.compareAndSet(false, true)) {
      dispatch.accept(this::drive);
    }
  }

  /** The baton's holder (the start-up) dispatches the first turn. */
  void handOff() {
    dispatch.accept(this::drive);
  }

  /** Runs turns here, with the baton held; the start-up's holder may call it directly. */
  void drive() {
    while (true) {
      CompletionStage<?> work = turns.turn();
      if (work == FINISHED) {
        return; // the baton is kept: nothing runs after the end
      }
      if (work != null) {
        work.whenComplete((value, error) -> dispatch.accept(this::drive));
        return;
      }
      baton.set(false);
      // A wake() between the turn's look and the line above found the baton taken: look again.
      if (!turns.wanted() || !baton.compareAndSet(false, true)) {
        return;
      }
    }
  }
}

package org.portal4j.core;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import org.portal4j.jcstress.Outcomes;

/**
 * A sync waiter's owner parking as a callback or the call's end signals it: the owner names itself
 * parked and then reads the signal count; the signaller writes the count and then reads who is
 * parked. One of them must see the other on the real memory model, or the owner parks for good with
 * a callback queued (the station replaced a Condition, whose lock made this handshake safe).
 */
@JCStressTest
@Description("A signal to a sync waiter's station wakes an owner that starts parking as it comes")
@Outcome(id = "signalled", expect = ACCEPTABLE, desc = "The owner saw the signal")
@Outcome(expect = FORBIDDEN, desc = "The owner was not woken, or saw something else")
@State
public class SyncWaiterSignalWakesOwnerTest {

  /** Far longer than a sample takes: an owner still parked then was not woken. */
  private static final long PATIENCE = TimeUnit.SECONDS.toNanos(2);

  private final BlockingWaiter.Station station = new BlockingWaiter.Station();

  /** The count before any signal: what the owner saw when it found nothing to do. */
  private final int seen = station.signals();

  @Actor
  public void signaller() {
    station.lock.lock();
    try {
      station.signalLocked();
    } finally {
      station.lock.unlock();
    }
  }

  @Actor
  public void owner(L_Result r) {
    try {
      r.r1 = station.awaitSignal(seen, PATIENCE) ? "signalled" : Outcomes.LOST_WAKE_UP;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.r1 = "interrupted";
    }
  }
}

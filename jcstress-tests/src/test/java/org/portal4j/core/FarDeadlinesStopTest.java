package org.portal4j.core;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The far-deadline sweeps stop as a call shows itself on its thread: the call writes its thread's
 * slot (a release store, as RunningCalls does), then FarDeadlines.shownOnThread fences and reads
 * whether the sweeps run; the sweep that stops writes that it does not, fences, and looks at the
 * slots once more. Without the two fences each could miss the other on real hardware, and the call
 * would never time out (seen: 489 of 30 million samples with the call's fence taken out).
 */
@JCStressTest
@Description("A sweep stopping as a call shows on its thread: one sweep stays scheduled")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "The call's deadline is still swept")
@Outcome(id = "0", expect = FORBIDDEN, desc = "No sweep scheduled: the deadline is lost")
@Outcome(expect = FORBIDDEN, desc = "More than one sweep scheduled")
@State
public class FarDeadlinesStopTest {

  private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);

  private final ConcurrentLinkedQueue<Runnable> scheduled = new ConcurrentLinkedQueue<>();

  /** One thread's slot: its innermost call, written with release and read with acquire. */
  private final AtomicReference<CapturedCall<?>> slot = new AtomicReference<>();

  private final FarDeadlines deadlines =
      new FarDeadlines(
          scheduled::add,
          visitor -> {
            CapturedCall<?> c = slot.getAcquire();
            if (c != null) {
              visitor.accept(c);
            }
          });

  private final CapturedCall<Integer> starting = CapturedCall.sync("starting", () -> 2);
  private final Runnable stoppingSweep;

  public FarDeadlinesStopTest() {
    CapturedCall<Integer> ended = CapturedCall.sync("ended", () -> 1);
    deadlines.add(ended, System.nanoTime() + AN_HOUR);
    ended.cancel(); // the sweep about to run finds nothing left and stops
    stoppingSweep = scheduled.poll();
  }

  @Actor
  public void callStarts() {
    starting.watchOnThread(System.nanoTime() + AN_HOUR);
    slot.setRelease(starting);
    deadlines.shownOnThread(); // fences, then looks whether the sweeps run
  }

  @Actor
  public void sweepStops() {
    stoppingSweep.run();
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = scheduled.size();
  }
}

package org.portal4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;
import org.portal4j.Call;

/**
 * A cancel racing a call's run: exactly one of them ends the call, the winner's outcome is the
 * call's, and its done callback runs once.
 */
@JCStressTest
@Description("A cancel racing run(): one ending, told truthfully, one done callback")
@Outcome(id = "true, cancelled, 1", expect = ACCEPTABLE, desc = "The cancel ended it")
@Outcome(id = "false, x, 1", expect = ACCEPTABLE, desc = "The function ended it")
@Outcome(expect = FORBIDDEN, desc = "A second ending, a lie, or a callback lost or run twice")
@State
public class CallCancelRacesRunTest {

  private final AtomicInteger callbacks = new AtomicInteger();
  private final Call<String> call = Call.of(() -> "x");

  public CallCancelRacesRunTest() {
    call.addDoneCallback(c -> callbacks.incrementAndGet());
  }

  @Actor
  public void runner() {
    call.run();
  }

  @Actor
  public void canceller(LLL_Result r) {
    r.r1 = call.cancel();
  }

  @Arbiter
  public void arbiter(LLL_Result r) {
    r.r2 = Outcomes.outcome(call);
    r.r3 = callbacks.get();
  }
}

package org.portal4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;
import org.portal4j.Call;

/**
 * A cancel and a thread starting to wait: the canceller writes the final state (a volatile store)
 * and then reads the stack; a waiter that read the call not yet cancelled pushed before that read.
 */
@JCStressTest
@Description("A cancel wakes a thread that starts waiting as the call is cancelled")
@Outcome(id = "true, cancelled", expect = ACCEPTABLE, desc = "The waiter saw the cancel")
@Outcome(expect = FORBIDDEN, desc = "The waiter was not woken, or saw something else")
@State
public class CallCancelWakesWaiterTest {

  private final Call<String> call = Call.of(() -> "x");

  @Actor
  public void canceller(LL_Result r) {
    r.r1 = call.cancel();
  }

  @Actor
  public void waiter(LL_Result r) {
    r.r2 = Outcomes.awaitResult(call);
  }
}

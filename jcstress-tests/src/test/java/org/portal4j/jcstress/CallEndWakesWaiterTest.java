package org.portal4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import org.portal4j.Call;

/**
 * A call's end and a thread starting to wait for it: the waiter pushes itself on the call's stack
 * and then reads the state; the owner changes the state and then reads the stack. One of them must
 * see the other, on the real memory model, where a release store may show after a later load (x86's
 * store buffer): a waiter that decided on two reads of the state once parked for good.
 */
@JCStressTest
@Description("The end of a sync call wakes a thread that starts waiting as it ends")
@Outcome(id = "x", expect = ACCEPTABLE, desc = "The waiter saw the result")
@Outcome(expect = FORBIDDEN, desc = "The waiter was not woken, or saw something else")
@State
public class CallEndWakesWaiterTest {

  private final Call<String> call = Call.of(() -> "x");

  @Actor
  public void owner() {
    call.run();
  }

  @Actor
  public void waiter(L_Result r) {
    r.r1 = Outcomes.awaitResult(call);
  }
}

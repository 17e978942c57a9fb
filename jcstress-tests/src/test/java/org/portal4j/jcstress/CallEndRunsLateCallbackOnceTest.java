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
import org.openjdk.jcstress.infra.results.I_Result;
import org.portal4j.Call;

/**
 * A call's end and a done callback added as it ends: an adder that finds the call ending may have
 * been missed by the owner's look at the stack, so it claims and runs its callback itself; the
 * owner claims the ones it took. A callback is claimed by CAS, so it runs once whoever wins.
 */
@JCStressTest
@Description("A done callback added as the call ends runs once")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "Ran once")
@Outcome(id = "0", expect = FORBIDDEN, desc = "Lost")
@Outcome(expect = FORBIDDEN, desc = "Ran more than once")
@State
public class CallEndRunsLateCallbackOnceTest {

  private final Call<String> call = Call.of(() -> "x");
  private final AtomicInteger runs = new AtomicInteger();

  @Actor
  public void owner() {
    call.run();
  }

  @Actor
  public void adder() {
    call.addDoneCallback(c -> runs.incrementAndGet());
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = runs.get();
  }
}

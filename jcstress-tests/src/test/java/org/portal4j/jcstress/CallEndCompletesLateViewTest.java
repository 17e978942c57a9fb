package org.portal4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;
import org.portal4j.Call;

/**
 * A call's end and its future view made as it ends: the owner completes a view it sees; a view made
 * after the owner looked completes itself. Either way it is complete once both returned.
 */
@JCStressTest
@Description("A future view made as the call ends is complete once both returned")
@Outcome(id = "x", expect = ACCEPTABLE, desc = "Complete with the result")
@Outcome(expect = FORBIDDEN, desc = "Incomplete, or completed with something else")
@State
public class CallEndCompletesLateViewTest {

  private final Call<String> call = Call.of(() -> "x");
  private volatile CompletableFuture<String> view;

  @Actor
  public void owner() {
    call.run();
  }

  @Actor
  public void viewer() {
    view = call.toCompletableFuture();
  }

  @Arbiter
  public void arbiter(L_Result r) {
    CompletableFuture<String> v = view;
    r.r1 = v.isDone() ? v.getNow("incomplete") : "incomplete";
  }
}

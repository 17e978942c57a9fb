package org.portal4j.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CompletableFuture;
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
 * An async call in flight: its stage completing races a cancel. Exactly one of them ends the call,
 * the winner's outcome is the call's, and its done callback runs once.
 */
@JCStressTest
@Description("A cancel racing an async call's stage: one ending, told truthfully, one callback")
@Outcome(id = "true, cancelled, 1", expect = ACCEPTABLE, desc = "The cancel ended it")
@Outcome(id = "false, x, 1", expect = ACCEPTABLE, desc = "The stage ended it")
@Outcome(expect = FORBIDDEN, desc = "A second ending, a lie, or a callback lost or run twice")
@State
public class AsyncCallCancelRacesStageTest {

  private final AtomicInteger callbacks = new AtomicInteger();
  private final CompletableFuture<String> stage = new CompletableFuture<>();
  private final Call<String> call = Call.ofAsync(() -> stage);

  public AsyncCallCancelRacesStageTest() {
    call.addDoneCallback(c -> callbacks.incrementAndGet());
    call.run(); // in flight: its stage is pending
  }

  @Actor
  public void stage() {
    stage.complete("x");
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

package org.portal4j.jcstress;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;

/** How the tests of this module name what a waiting thread saw, as jcstress outcomes. */
public final class Outcomes {

  /** What a waiter saw when the call it waited for had ended but nobody woke it. */
  public static final String LOST_WAKE_UP = "lost wake-up";

  /**
   * Far longer than any sample takes (microseconds): a waiter still parked then was not woken. A
   * lost wake-up costs its sample this long and shows as {@link #LOST_WAKE_UP}; many of them make
   * jcstress give up on the fork (an error, which fails the run all the same).
   */
  private static final Duration PATIENCE = Duration.ofSeconds(2);

  private Outcomes() {}

  /**
   * Waits for {@code call} and names what it saw.
   *
   * @return the result, {@code "cancelled"}, {@link #LOST_WAKE_UP}, or the name of whatever else
   *     was thrown
   */
  public static String awaitResult(Call<String> call) {
    try {
      return call.result(PATIENCE);
    } catch (TimeoutException e) {
      return LOST_WAKE_UP;
    } catch (CallCancelledException e) {
      return "cancelled";
    } catch (Throwable t) {
      return t.getClass().getName();
    }
  }

  /** The result of a done call, {@code "cancelled"}, or {@code "not done"}. */
  public static String outcome(Call<String> call) {
    if (!call.isDone()) {
      return "not done";
    }
    return call.isCancelled() ? "cancelled" : awaitResult(call);
  }
}

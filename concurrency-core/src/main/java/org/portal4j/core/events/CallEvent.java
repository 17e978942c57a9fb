package org.portal4j.core.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code org.portal4j.Call}: one call, from the start of its function to its end (an async call's
 * stage included). Begun on the thread that runs the call, committed by whoever ends it.
 *
 * @since 0.1
 */
@Name("org.portal4j.Call")
@Label("Call")
@Category("portal4j")
@Description("A portal4j call, from its start to its end")
@StackTrace(false)
public final class CallEvent extends jdk.jfr.Event {

  /** The call's name. */
  @Label("Call")
  public String call;

  /** The portal it was submitted to, or empty when run directly. */
  @Label("Portal")
  public String portal;

  /** From its submission to its start. */
  @Label("Queue Delay")
  @Timespan(Timespan.NANOSECONDS)
  public long queueDelay;

  /** succeeded, failed, cancelled or timed out. */
  @Label("Outcome")
  public String outcome;

  /** The thread that ran its function. */
  @Label("Ran On")
  public Thread ranOn;

  /**
   * Whether a recording wants this event; allocates nothing that survives the JIT.
   *
   * @return true if enabled
   */
  public static boolean enabled() {
    return new CallEvent().isEnabled();
  }
}

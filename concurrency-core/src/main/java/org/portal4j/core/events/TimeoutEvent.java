package org.portal4j.core.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code org.portal4j.Timeout}: a call's deadline fired and ended the call, timed out. Committed on
 * the runtime's timer thread.
 *
 * @since 0.1
 */
@Name("org.portal4j.Timeout")
@Label("Call Timeout")
@Category("portal4j")
@Description("A portal4j call's timeout expired and ended it")
@StackTrace(false)
public final class TimeoutEvent extends jdk.jfr.Event {

  /** The call's name. */
  @Label("Call")
  public String call;

  /** The portal it was submitted to, or empty when run directly. */
  @Label("Portal")
  public String portal;

  /** The call's timeout. */
  @Label("Timeout")
  @Timespan(Timespan.NANOSECONDS)
  public long timeout;

  /** The thread that was running its function, if it was in it. */
  @Label("Running On")
  public Thread runningOn;

  /**
   * Whether a recording wants this event; allocates nothing that survives the JIT.
   *
   * @return true if enabled
   */
  public static boolean enabled() {
    return new TimeoutEvent().isEnabled();
  }
}

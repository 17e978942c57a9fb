package org.portal4j.core.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code org.portal4j.StuckCall}: the watchdog found a call running past its threshold (or past 10
 * or 100 times it). Committed on the watchdog's thread; the stuck thread's stack is a field.
 *
 * @since 0.1
 */
@Name("org.portal4j.StuckCall")
@Label("Stuck Call")
@Category("portal4j")
@Description("A portal4j call running longer than the watchdog's threshold")
@StackTrace(false)
public final class StuckCallEvent extends jdk.jfr.Event {

  /** The call's name. */
  @Label("Call")
  public String call;

  /** The portal it was submitted to, or empty when run directly. */
  @Label("Portal")
  public String portal;

  /** How long it had been running. */
  @Label("Running For")
  @Timespan(Timespan.NANOSECONDS)
  public long runningFor;

  /** The watchdog's threshold. */
  @Label("Threshold")
  @Timespan(Timespan.NANOSECONDS)
  public long threshold;

  /** The thread running it, if one is (an async call awaiting its stage has none). */
  @Label("Running On")
  public Thread runningOn;

  /** That thread's stack, one frame a line. */
  @Label("Stack")
  public String stack;

  /** The threads waiting for the call, and who waits for them, one a line. */
  @Label("Waiting")
  public String waiting;

  /**
   * Whether a recording wants this event.
   *
   * @return true if enabled
   */
  public static boolean enabled() {
    return new StuckCallEvent().isEnabled();
  }
}

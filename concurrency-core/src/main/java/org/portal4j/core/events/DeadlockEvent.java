package org.portal4j.core.events;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * {@code org.portal4j.Deadlock}: a blocking wait was refused with a {@link
 * org.portal4j.DeadlockException} because it would never have ended. Committed on the thread that
 * would have waited, with its stack.
 *
 * @since 0.1
 */
@Name("org.portal4j.Deadlock")
@Label("Deadlock Refused")
@Category("portal4j")
@Description("A portal4j wait refused because it would close a cycle of waits")
public final class DeadlockEvent extends jdk.jfr.Event {

  /** The call the thread would have waited for. */
  @Label("Call")
  public String call;

  /** The exception's message: the cycle, thread by thread and call by call. */
  @Label("Cycle")
  public String cycle;

  /**
   * Whether a recording wants this event.
   *
   * @return true if enabled
   */
  public static boolean enabled() {
    return new DeadlockEvent().isEnabled();
  }
}

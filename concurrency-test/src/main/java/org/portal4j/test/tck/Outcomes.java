package org.portal4j.test.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeoutException;
import org.portal4j.Call;
import org.portal4j.DeadlockException;

/** What calls of the conformance suite ended with, and how deadlocks are reported. */
final class Outcomes {

  private Outcomes() {}

  /** What {@code call} failed with; fails if it hung or succeeded. */
  static Throwable failureOf(Call<?> call) {
    Object value;
    try {
      value = call.result(Await.WAIT);
    } catch (TimeoutException e) {
      throw new AssertionError(call + " hung for " + Await.WAIT + " instead of ending", e);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError(call + " returned " + value + " instead of failing");
  }

  /** The {@link DeadlockException} in {@code failure}'s chain of causes. */
  static DeadlockException deadlockIn(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DeadlockException) {
        return (DeadlockException) t;
      }
    }
    throw new AssertionError("no DeadlockException in " + failure, failure);
  }

  /** The message starts with "Deadlock" and names every thread and call given. */
  static void assertShowsTheCycle(DeadlockException e, String... names) {
    String message = String.valueOf(e.getMessage());
    assertTrue(message.startsWith("Deadlock"), message);
    for (String name : names) {
      assertTrue(message.contains(name), "the message does not name " + name + ":\n" + message);
    }
  }

  /** The message contains every fragment given. */
  static void assertMessageContains(Throwable e, String... fragments) {
    String message = String.valueOf(e.getMessage());
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), "'" + fragment + "' not in the message: " + message);
    }
  }
}

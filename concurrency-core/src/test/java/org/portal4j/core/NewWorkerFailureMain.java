package org.portal4j.core;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.Portals;

/**
 * Run in a child JVM by {@link NewWorkerFailureTest}, with {@link ThrowingWorkerProvider} as the
 * WORKER backend: hands a call to the {@code FromSync} method named by the first argument and
 * prints one line, {@code reached=<bool> done=<bool> cause=<bool> backends=<map>}: whether the
 * provider's exception reached the caller (itself or as the cause), whether the call is done, and
 * whether {@code result()} then throws the provider's exception (itself or as the cause).
 */
public final class NewWorkerFailureMain {

  private NewWorkerFailureMain() {}

  public static void main(String[] args) throws Exception {
    Call<String> call = Call.of("handed-to-fromsync", () -> "ran");
    Throwable thrown = null;
    try {
      switch (args[0]) {
        case "callInNewThread" -> FromSync.callInNewThread(call);
        case "callInNewThreadWithTimeout" -> FromSync.callInNewThread(call, Duration.ofSeconds(5));
        case "callSoonInNewThread" -> FromSync.callSoonInNewThread(call);
        default -> throw new IllegalArgumentException(args[0]);
      }
    } catch (Throwable t) {
      thrown = t;
    }
    boolean cause;
    try {
      call.result(Duration.ofSeconds(2));
      cause = false;
    } catch (TimeoutException e) {
      cause = false; // still pending
    } catch (Throwable t) {
      cause = isTheFailure(t);
    }
    System.out.println(
        "reached="
            + isTheFailure(thrown)
            + " done="
            + call.isDone()
            + " cause="
            + cause
            + " backends="
            + Portals.backends());
  }

  private static boolean isTheFailure(Throwable t) {
    return t != null
        && (t == ThrowingWorkerProvider.FAILURE || t.getCause() == ThrowingWorkerProvider.FAILURE);
  }
}

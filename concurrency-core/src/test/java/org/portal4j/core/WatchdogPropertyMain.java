package org.portal4j.core;

import org.portal4j.Diagnostics;

/**
 * For {@link WatchdogPropertyTest}: prints the watchdog's threshold as the runtime set it from
 * {@code -Dportal4j.watchdog} when it was bound, and whether its thread runs.
 */
public final class WatchdogPropertyMain {

  private WatchdogPropertyMain() {}

  public static void main(String[] args) {
    System.out.println("threshold=" + Diagnostics.watchdog().map(Object::toString).orElse("off"));
    boolean thread =
        Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals(Watchdog.THREAD_NAME) && t.isDaemon());
    System.out.println("daemon thread=" + thread);
    // Exits with the watchdog on: its thread must not keep the JVM alive.
  }
}

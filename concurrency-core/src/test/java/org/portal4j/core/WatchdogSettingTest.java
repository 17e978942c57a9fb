package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portal4j.Diagnostics;
import org.portal4j.test.CheckThreadLeaks;

/**
 * Hostile settings of the watchdog: null, zero, negative and huge thresholds turn it off (no thread
 * runs); {@code -Dportal4j.watchdog} takes {@code 500ms}, {@code 5s}, {@code 2m}, ISO-8601, and
 * reports anything else with one WARN, leaving the watchdog off.
 */
@CheckThreadLeaks
class WatchdogSettingTest {

  @AfterEach
  void off() throws InterruptedException {
    Diagnostics.watchdog(null);
    System.clearProperty(Watchdog.PROPERTY);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(Watchdog.THREAD_NAME)) {
        t.join(10_000);
      }
    }
  }

  private static boolean watchdogThreadRuns() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(Watchdog.THREAD_NAME) && t.isAlive());
  }

  @Test
  void nullZeroNegativeAndHugeThresholdsTurnItOff() {
    for (Duration off :
        new Duration[] {
          null,
          Duration.ZERO,
          Duration.ofNanos(-1),
          Duration.ofDays(-3),
          Duration.ofSeconds(Long.MAX_VALUE),
          ChronoUnit.FOREVER.getDuration(),
          Duration.ofSeconds(Long.MIN_VALUE)
        }) {
      Diagnostics.watchdog(Duration.ofSeconds(30));
      Diagnostics.watchdog(off);
      assertEquals(Optional.empty(), Diagnostics.watchdog(), String.valueOf(off));
    }
    Diagnostics.watchdog(ChronoUnit.FOREVER.getDuration());
    assertEquals(Optional.empty(), Diagnostics.watchdog());
  }

  @Test
  void aHugeThresholdStartsNoThread() throws InterruptedException {
    off();
    Diagnostics.watchdog(ChronoUnit.FOREVER.getDuration());
    assertTrue(!watchdogThreadRuns());
  }

  @Test
  void aLargeButCountableThresholdNeverReportsAndLooksOncePerSecondAtMost() {
    Duration years = Duration.ofDays(365 * 200);
    Diagnostics.watchdog(years);
    assertEquals(years, Diagnostics.watchdog().orElseThrow());
    assertEquals(Duration.ofSeconds(1).toNanos(), Watchdog.period(years));
    assertEquals(Duration.ofMillis(5).toNanos(), Watchdog.period(Duration.ofNanos(1)));
  }

  @Test
  void thePropertyTakesUnitsAndIsoDurations() {
    assertEquals(Optional.of(Duration.ofMillis(500)), Watchdog.parse("500ms"));
    assertEquals(Optional.of(Duration.ofSeconds(5)), Watchdog.parse("5s"));
    assertEquals(Optional.of(Duration.ofSeconds(5)), Watchdog.parse(" 5 S "));
    assertEquals(Optional.of(Duration.ofMinutes(2)), Watchdog.parse("2m"));
    assertEquals(Optional.of(Duration.ofMinutes(2)), Watchdog.parse("2min"));
    assertEquals(Optional.of(Duration.ofHours(1)), Watchdog.parse("1h"));
    assertEquals(Optional.of(Duration.ofSeconds(5)), Watchdog.parse("PT5S"));
    assertEquals(Optional.of(Duration.ofMillis(1500)), Watchdog.parse("pt1.5s"));
    assertEquals(Optional.of(Duration.ofMillis(250)), Watchdog.parse("250"));
    assertEquals(Optional.empty(), Watchdog.parse("0"));
    assertEquals(Optional.empty(), Watchdog.parse("off"));
    assertEquals(Optional.empty(), Watchdog.parse("  "));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "five seconds",
        "5 parsecs",
        "-5s",
        "PT-5S",
        "P",
        "5.5s",
        "1e3ms",
        "99999999999999999999s",
        "999999999999999999d",
        "s",
        "5s5",
        "PT5S trailing"
      })
  void aBadPropertyValueIsOneWarnAndLeavesTheWatchdogOff(String value) {
    assertThrows(IllegalArgumentException.class, () -> Watchdog.parse(value));
    System.setProperty(Watchdog.PROPERTY, value);
    try (LogCapture logs = LogCapture.start()) {
      assertEquals(Optional.empty(), Watchdog.fromProperty());
      List<String> warnings = logs.messages(Level.WARN);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(
          warnings.get(0).startsWith("Ignoring -Dportal4j.watchdog=" + value + ": expected"),
          warnings.get(0));
    }
  }

  @Test
  void aGoodPropertyValueTurnsTheWatchdogOnWithoutAWord() {
    System.setProperty(Watchdog.PROPERTY, "PT30S");
    try (LogCapture logs = LogCapture.start()) {
      assertEquals(Optional.of(Duration.ofSeconds(30)), Watchdog.fromProperty());
      assertEquals(List.of(), logs.messages(Level.WARN));
    }
  }
}

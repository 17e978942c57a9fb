package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How long the JVM exit sequence waits for the global loop: {@code -Dportal4j.exitTimeout}. */
class ExitTimeoutPropertyTest {

  private String before;
  private String beforeServices;

  @BeforeEach
  void remember() {
    before = System.getProperty(LivePortals.EXIT_TIMEOUT_PROPERTY);
    beforeServices = System.getProperty(LivePortals.SERVICES_EXIT_TIMEOUT_PROPERTY);
    System.clearProperty(LivePortals.EXIT_TIMEOUT_PROPERTY);
    System.clearProperty(LivePortals.SERVICES_EXIT_TIMEOUT_PROPERTY);
  }

  @AfterEach
  void restore() {
    restore(LivePortals.EXIT_TIMEOUT_PROPERTY, before);
    restore(LivePortals.SERVICES_EXIT_TIMEOUT_PROPERTY, beforeServices);
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  @Test
  void theExitTimeoutIsReadFromMillisecondsOrAnIsoDurationAndFallsBackWhenInvalid() {
    String property = LivePortals.EXIT_TIMEOUT_PROPERTY;
    try (LogCapture logs = LogCapture.start()) {
      assertEquals(LivePortals.DEFAULT_EXIT_TIMEOUT, LivePortals.exitTimeout());
      System.setProperty(property, "1500");
      assertEquals(Duration.ofMillis(1500), LivePortals.exitTimeout());
      System.setProperty(property, "PT3S");
      assertEquals(Duration.ofSeconds(3), LivePortals.exitTimeout());
      System.setProperty(property, "-5");
      assertEquals(LivePortals.DEFAULT_EXIT_TIMEOUT, LivePortals.exitTimeout());
      System.setProperty(property, "soon");
      assertEquals(LivePortals.DEFAULT_EXIT_TIMEOUT, LivePortals.exitTimeout());
      assertTrue(
          logs.at(Level.WARN).stream().anyMatch(e -> e.getFormattedMessage().contains("soon")),
          logs.events().toString());
    }
  }

  @Test
  void theQueueServicesOlderPropertyIsReadWhenTheGeneralOneIsNotSet() {
    System.setProperty(LivePortals.SERVICES_EXIT_TIMEOUT_PROPERTY, "250");
    assertEquals(Duration.ofMillis(250), LivePortals.exitTimeout());
    System.setProperty(LivePortals.EXIT_TIMEOUT_PROPERTY, "PT2S");
    assertEquals(Duration.ofSeconds(2), LivePortals.exitTimeout(), "the general one wins");
  }
}

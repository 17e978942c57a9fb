package org.portal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Portal options: the defaults and the builder. */
class PortalOptionsTest {

  @Test
  void defaultsHaveNoNameAndAreNeitherDaemonNorRunOnce() {
    PortalOptions defaults = PortalOptions.defaults();
    assertNull(defaults.name());
    assertFalse(defaults.daemon());
    assertFalse(defaults.runOnce());
  }

  @Test
  void anUntouchedBuilderBuildsTheDefaults() {
    assertEquals(PortalOptions.defaults(), PortalOptions.builder().build());
  }

  @Test
  void theBuilderSetsEveryField() {
    PortalOptions options = PortalOptions.builder().name("io").daemon(true).runOnce(true).build();
    assertEquals("io", options.name());
    assertTrue(options.daemon());
    assertTrue(options.runOnce());
    assertEquals(new PortalOptions("io", true, true), options);
  }

  @Test
  void theBuilderSetsFieldsIndependently() {
    assertEquals(
        new PortalOptions(null, true, false), PortalOptions.builder().daemon(true).build());
    assertEquals(
        new PortalOptions(null, false, true), PortalOptions.builder().runOnce(true).build());
    assertEquals(new PortalOptions("n", false, false), PortalOptions.builder().name("n").build());
  }

  @Test
  void laterSettingsWinAndNullNameMeansGenerated() {
    PortalOptions options =
        PortalOptions.builder().name("first").name(null).daemon(true).daemon(false).build();
    assertEquals(PortalOptions.defaults(), options);
  }

  @Test
  void eachBuilderIsFreshAndBuildsIndependentOptions() {
    PortalOptions.Builder builder = PortalOptions.builder().name("a");
    PortalOptions first = builder.build();
    PortalOptions second = builder.name("b").build();
    assertEquals("a", first.name(), "built options do not change with the builder");
    assertEquals("b", second.name());
    assertNotSame(PortalOptions.builder(), PortalOptions.builder());
    assertNull(PortalOptions.builder().build().name());
  }
}

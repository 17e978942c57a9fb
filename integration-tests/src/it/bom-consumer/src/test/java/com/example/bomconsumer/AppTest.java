package com.example.bomconsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.portal4j.FromSync;
import org.portal4j.Portals;
import org.portal4j.spi.PortalKind;

class AppTest {

  @Test
  void versionlessDependenciesFromTheBomGiveVirtualWorkers() {
    assertEquals(Map.of(PortalKind.WORKER, "virtual", PortalKind.LOOP, "platform"), Portals.backends());
    assertTrue(FromSync.callInNewThread(() -> Thread.currentThread().isVirtual()));
    App.main(new String[0]);
  }
}

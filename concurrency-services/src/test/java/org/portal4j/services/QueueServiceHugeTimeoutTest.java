package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.FromAsync;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Timeouts": the patience of any timed wait that is too large to count in nanoseconds
 * means forever. The services' timed waits return true once the items are handled.
 */
@CheckThreadLeaks
@Timeout(60)
class QueueServiceHugeTimeoutTest {

  private static final int ITEMS = 20;

  private final Object key = new Object();

  @AfterEach
  void drainLeftovers() {
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(20)));
  }

  static Stream<Duration> huge() {
    return Stream.of(Duration.ofSeconds(Long.MAX_VALUE), ChronoUnit.FOREVER.getDuration());
  }

  /** A service with {@value #ITEMS} items sent, each handled after a hop to a new thread. */
  private TestService serviceWithItemsInFlight() {
    TestService service =
        QueueService.instance(
            TestService.class,
            key,
            () -> new TestService(item -> FromAsync.callInNewThread(() -> item)));
    for (int i = 0; i < ITEMS; i++) {
      service.send("item-" + i);
    }
    return service;
  }

  @ParameterizedTest
  @MethodSource("huge")
  void drainWithAHugeTimeoutWaitsForTheItemsAndReturnsTrue(Duration huge) {
    TestService service = serviceWithItemsInFlight();

    assertTrue(service.drain(huge));
    assertEquals(ITEMS, service.handled.size());
  }

  @ParameterizedTest
  @MethodSource("huge")
  void waitUntilEmptyWithAHugeTimeoutWaitsForTheItemsAndReturnsTrue(Duration huge) {
    TestService service = serviceWithItemsInFlight();

    assertTrue(service.waitUntilEmpty(huge));
    assertEquals(ITEMS, service.handled.size());
  }

  @ParameterizedTest
  @MethodSource("huge")
  void drainAllWithAHugeTimeoutWaitsForTheItemsAndReturnsTrue(Duration huge) {
    TestService service = serviceWithItemsInFlight();

    assertTrue(QueueService.drainAll(TestService.class, huge));
    assertEquals(ITEMS, service.handled.size());
  }
}

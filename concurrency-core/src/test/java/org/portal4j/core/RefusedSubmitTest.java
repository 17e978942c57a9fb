package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Every call handed to the library ends": a submit that is refused (it throws) leaves
 * the call untouched and has no other effect: no thread is started. Uses {@link Portals}, so
 * backend modules can re-run it against their portals (there, virtual threads are not visible to
 * the thread check, but {@code isRunning()} is).
 */
@CheckThreadLeaks
@Timeout(60)
class RefusedSubmitTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<WorkerPortal> portals = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    portals.forEach(WorkerPortal::shutdown);
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    }
  }

  enum Kind {
    WORKER,
    LOOP
  }

  private WorkerPortal portal(Kind kind, String name) {
    PortalOptions options = PortalOptions.builder().name(name).build(); // not a daemon
    WorkerPortal portal =
        kind == Kind.WORKER
            ? Portals.newWorkerThread(options)
            : Portals.newEventLoopThread(options);
    portals.add(portal);
    return portal;
  }

  private static List<String> threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().contains(name))
        .map(Thread::getName)
        .collect(Collectors.toList());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void submittingACallThatAlreadyHasARunnerThrowsAndStartsNothing(Kind kind) {
    String name = "refusing-" + kind + "-" + System.nanoTime();
    WorkerPortal refusing = portal(kind, name);
    WorkerPortal other = portal(Kind.WORKER, "other-" + System.nanoTime());
    Call<String> call = Call.of(() -> "never");
    call.setRunner(other);

    assertThrows(IllegalStateException.class, () -> refusing.submit(call));

    assertFalse(refusing.isRunning(), refusing.name() + " started");
    assertEquals(List.of(), threadsNamed(name), "threads started by the refused submit");
    assertSame(other, call.runner().orElseThrow(), "the call's runner changed");
    assertFalse(call.isDone(), "the call was touched");
    assertFalse(call.isRunning(), "the call was touched");
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.Call;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Calls": {@code toCompletableFuture().get()/join()} and every other blocking view of a
 * call make the same deadlock check as {@code result()}: waiting on a worker's or loop's own thread
 * for a call queued behind the current one fails fast with an {@link IllegalStateException} naming
 * the call and the thread (see {@link DeadlockTest} for {@code result()}).
 */
@CheckThreadLeaks
@Timeout(60)
class BlockingViewDeadlockTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<WorkerPortal> portals = new ArrayList<>();
  private final List<Call<?>> queuedCalls = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    queuedCalls.forEach(Call::cancel); // frees a portal thread that hung in a view
    portals.forEach(WorkerPortal::shutdown);
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal.name() + " did not terminate");
    }
  }

  enum Where {
    WORKER,
    LOOP
  }

  /** The blocking views of {@code toCompletableFuture()}. */
  enum View {
    GET,
    JOIN,
    TIMED_GET;

    Object block(Call<?> call) throws Exception {
      switch (this) {
        case GET:
          return call.toCompletableFuture().get();
        case JOIN:
          return call.toCompletableFuture().join();
        default:
          return call.toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(Where.values())
        .flatMap(where -> Stream.of(View.values()).map(view -> Arguments.of(where, view)));
  }

  private WorkerPortal portal(Where where) {
    WorkerPortal portal =
        where == Where.WORKER ? Portals.newWorkerThread() : Portals.newEventLoopThread();
    portals.add(portal);
    return portal;
  }

  /** What {@code call}'s body threw, failing if it hung or returned. */
  private static Throwable failureOf(Call<?> call) {
    try {
      call.result(WAIT);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "the blocking view hung for " + WAIT + " instead of failing fast", e);
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("the blocking view returned instead of failing fast");
  }

  @ParameterizedTest(name = "{1} on a {0} thread")
  @MethodSource("cases")
  void aBlockingViewOfACallQueuedBehindTheCurrentOneFailsFastLikeResult(Where where, View view)
      throws Exception {
    WorkerPortal portal = portal(where);
    Call<String> queued = Call.of("queued-behind-" + view, () -> "ran later");
    queuedCalls.add(queued);
    AtomicReference<String> threadName = new AtomicReference<>();
    Call<Object> waiting =
        portal.submit(
            Call.of(
                () -> {
                  threadName.set(Thread.currentThread().getName());
                  portal.submit(queued);
                  return view.block(queued);
                }));

    Throwable failure = failureOf(waiting);

    assertInstanceOf(IllegalStateException.class, failure, "got " + failure);
    String message = String.valueOf(failure.getMessage());
    assertTrue(message.contains(queued.name()), "message does not name the call: " + message);
    assertTrue(message.contains(threadName.get()), "message does not name the thread: " + message);
    assertEquals("ran later", queued.result(WAIT), "the check leaves the call alone");
  }
}

package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.FromAsync;
import org.portal4j.Portals;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class FutureQueueServiceTest {

  /** Grants "slots": the result of a request is given by the test. */
  static final class Slots extends FutureQueueService<String, Integer> {
    interface Acquirer {
      CompletionStage<Integer> acquire(String request) throws Exception;
    }

    final List<String> acquired = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> discarded = Collections.synchronizedList(new ArrayList<>());
    final List<String> dropped = Collections.synchronizedList(new ArrayList<>());
    private final Acquirer acquirer;
    private final int maxQueueSize;
    private final CompletionStage<?> setUp;

    Slots(int maxQueueSize, CompletionStage<?> setUp, Acquirer acquirer) {
      this.maxQueueSize = maxQueueSize;
      this.setUp = setUp;
      this.acquirer = acquirer;
    }

    Slots(Acquirer acquirer) {
      this(0, null, acquirer);
    }

    @Override
    protected CompletionStage<Integer> acquire(String request) throws Exception {
      acquired.add(request);
      return acquirer.acquire(request);
    }

    @Override
    protected void discard(Integer result) {
      discarded.add(result);
    }

    @Override
    protected void onItemDropped(String request) {
      dropped.add(request);
    }

    @Override
    protected int maxQueueSize() {
      return maxQueueSize;
    }

    @Override
    protected CompletionStage<?> onStart() {
      return setUp;
    }
  }

  private final Object key = new Object();
  private final CompletableFuture<Integer> pending = new CompletableFuture<>();

  @AfterEach
  void drainLeftovers() {
    pending.complete(-1);
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(10)));
  }

  private Slots service(Slots.Acquirer acquirer) {
    return FutureQueueService.instance(Slots.class, key, () -> new Slots(acquirer));
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void sendReturnsAFutureCompletedWithTheResult() throws Exception {
    Slots service =
        service(
            request ->
                request.startsWith("async")
                    ? FromAsync.callInNewThread(request::length)
                    : CompletableFuture.completedFuture(request.length()));
    CompletableFuture<Integer> sync = service.send("abc");
    CompletableFuture<Integer> async = service.send("async-abc");
    assertEquals(3, sync.get(20, TimeUnit.SECONDS));
    assertEquals(9, async.get(20, TimeUnit.SECONDS));
    assertEquals(List.of("abc", "async-abc"), service.acquired, "one at a time, in order");
  }

  @Test
  void aFailingAcquireFailsItsFutureWithTheSameExceptionAndTheNextRequestGoesOn() throws Exception {
    IllegalStateException thrown = new IllegalStateException("no slot");
    IllegalArgumentException failed = new IllegalArgumentException("bad stage");
    Slots service =
        service(
            request -> {
              if (request.equals("throws")) {
                throw thrown;
              }
              if (request.equals("fails")) {
                return FromAsync.callInNewThread(
                    () -> {
                      throw failed;
                    });
              }
              return CompletableFuture.completedFuture(1);
            });
    CompletableFuture<Integer> first = service.send("throws");
    CompletableFuture<Integer> second = service.send("fails");
    CompletableFuture<Integer> third = service.send("fine");
    assertSame(thrown, failureOf(first));
    assertSame(failed, failureOf(second));
    assertEquals(1, third.get(20, TimeUnit.SECONDS));
  }

  @Test
  void aResultArrivingAfterItsFutureWasCancelledIsDiscardedExactlyOnce() throws Exception {
    Slots service = service(request -> pending);
    CompletableFuture<Integer> slot = service.send("slot");
    Await.until("acquire runs", () -> service.acquired.contains("slot"));
    assertTrue(slot.cancel(true));

    pending.complete(42);
    service.drain();
    assertEquals(List.of(42), service.discarded);
  }

  @Test
  void aRequestCancelledBeforeItsTurnIsNeverAcquired() throws Exception {
    Slots service =
        service(
            request -> request.equals("first") ? pending : CompletableFuture.completedFuture(2));
    CompletableFuture<Integer> first = service.send("first");
    CompletableFuture<Integer> second = service.send("second");
    Await.until("the first request is being acquired", () -> service.acquired.contains("first"));
    assertTrue(second.cancel(true));

    pending.complete(1);
    assertEquals(1, first.get(20, TimeUnit.SECONDS));
    service.drain();
    assertEquals(List.of("first"), service.acquired);
    assertTrue(service.discarded.isEmpty());
  }

  @Test
  void aRequestDroppedByAFullQueueFailsItsFutureAndReachesTheHook() throws Exception {
    Slots service =
        FutureQueueService.instance(Slots.class, key, () -> new Slots(1, null, request -> pending));
    service.send("first");
    Await.until("the first request is being acquired", () -> service.acquired.contains("first"));
    CompletableFuture<Integer> queued = service.send("queued");
    CompletableFuture<Integer> overflow = service.send("overflow");

    assertInstanceOf(RejectedExecutionException.class, failureOf(overflow));
    assertEquals(List.of("overflow"), service.dropped);
    assertEquals(1, service.droppedCount());
    pending.complete(7);
    assertEquals(7, queued.get(20, TimeUnit.SECONDS));
  }

  @Test
  void requestsAServiceCanNoLongerHandleFailTheirFutures() throws Exception {
    CompletableFuture<Void> setUp = new CompletableFuture<>();
    Slots service =
        FutureQueueService.instance(
            Slots.class, key, () -> new Slots(0, setUp, request -> pending));
    CompletableFuture<Integer> waiting = service.send("waiting");
    setUp.completeExceptionally(new IllegalStateException("no connection"));
    assertInstanceOf(IllegalStateException.class, failureOf(waiting));
    assertTrue(service.acquired.isEmpty());
  }

  @Test
  void sendAfterTheServiceStoppedThrows() {
    Slots service = service(request -> CompletableFuture.completedFuture(0));
    service.drain();
    assertThrows(IllegalStateException.class, () -> service.send("late"));
  }

  @Test
  void drainCompletesEveryAcceptedRequestFirst() throws Exception {
    Slots service = service(request -> FromAsync.callInNewThread(request::length));
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.add(service.send("x".repeat(i + 1)));
    }
    service.drain();
    for (int i = 0; i < 100; i++) {
      assertTrue(futures.get(i).isDone());
      assertEquals(i + 1, futures.get(i).get());
    }
  }

  @Test
  void requestsLeftWhenTheLoopShutsDownBeforeTheDrainEndsFailAndAreLogged() throws Exception {
    try (LogCapture logs = LogCapture.start()) {
      Slots service =
          service(
              request -> request.equals("stuck") ? pending : CompletableFuture.completedFuture(0));
      CompletableFuture<Integer> stuck = service.send("stuck");
      Await.until("the stuck request is being acquired", () -> service.acquired.contains("stuck"));
      List<CompletableFuture<Integer>> left =
          List.of(service.send("a"), service.send("b"), service.send("c"));

      // The loop waits its shutdown grace (10 s) for the drain, then gives up and terminates.
      Portals.waitForGlobalLoopExit(Duration.ofSeconds(40));
      pending.complete(5); // the stuck acquire ends after its loop is gone

      assertEquals(5, stuck.get(20, TimeUnit.SECONDS));
      for (CompletableFuture<Integer> future : left) {
        assertInstanceOf(IllegalStateException.class, failureOf(future));
      }
      Await.until("the service stopped", service::isStopped);
      assertTrue(
          logs.messages(Level.WARN).stream()
              .anyMatch(m -> m.contains("did not handle 3 accepted item(s): its event loop")),
          logs.events().toString());
    }
  }
}

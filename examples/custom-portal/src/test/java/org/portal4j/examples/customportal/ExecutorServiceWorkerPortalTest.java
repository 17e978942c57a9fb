package org.portal4j.examples.customportal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.CallTimeoutException;
import org.portal4j.FromSync;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;
import org.slf4j.LoggerFactory;

@CheckThreadLeaks
@Timeout(60)
class ExecutorServiceWorkerPortalTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final List<ExecutorService> executors = new ArrayList<>();

  private ExecutorService singleThreadExecutor(String threadName) {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(task -> new Thread(task, threadName));
    executors.add(executor);
    return executor;
  }

  @AfterEach
  void shutDownTheExecutors() throws InterruptedException {
    for (ExecutorService executor : executors) {
      executor.shutdown();
      assertTrue(executor.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }
  }

  @Test
  void callsRunOnTheExecutorsThread() throws Exception {
    WorkerPortal portal =
        new ExecutorServiceWorkerPortal(
            singleThreadExecutor("app-single"), PortalOptions.defaults());

    assertEquals(
        "app-single", portal.submit(() -> Thread.currentThread().getName()).result(DEADLINE));
    assertTrue(portal.isRunning());
    portal.close();
    assertTrue(portal.awaitTermination(DEADLINE));
  }

  @Test
  void overASingleThreadExecutorCallsRunOneAtATimeInSubmissionOrder() throws Exception {
    WorkerPortal portal =
        new ExecutorServiceWorkerPortal(
            singleThreadExecutor("app-single"), PortalOptions.defaults());
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();

    List<Call<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int index = i;
      calls.add(
          portal.submit(
              Call.of(
                  () -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    order.add(index);
                    running.decrementAndGet();
                    return index;
                  })));
    }
    for (Call<Integer> call : calls) {
      call.result(DEADLINE);
    }

    assertEquals(IntStream.range(0, 50).boxed().collect(Collectors.toList()), order);
    assertEquals(1, mostAtOnce.get());
    portal.shutdown();
    assertTrue(portal.awaitTermination(DEADLINE));
  }

  @Test
  void shutdownRejectsNewCallsButCallsAlreadySubmittedStillRun() throws Exception {
    WorkerPortal portal =
        new ExecutorServiceWorkerPortal(
            singleThreadExecutor("app-single"), PortalOptions.defaults());
    CountDownLatch release = new CountDownLatch(1);
    Call<String> first =
        portal.submit(
            Call.of(
                () -> {
                  release.await();
                  return "first";
                }));
    Call<String> second = portal.submit(Call.of(() -> "second"));

    portal.shutdown();
    Call<String> late = Call.of(() -> "late");
    assertThrows(RejectedExecutionException.class, () -> portal.submit(late));
    assertTrue(late.runner().isEmpty(), "a refused call is refused before it gets a runner");
    assertTrue(portal.isShutdown());
    assertFalse(portal.awaitTermination(Duration.ZERO), "the first call is still running");

    release.countDown();
    assertEquals("first", first.result(DEADLINE));
    assertEquals("second", second.result(DEADLINE));
    assertTrue(portal.awaitTermination(DEADLINE));
    assertFalse(portal.isRunning());
  }

  @Test
  void terminationWaitsForThePortalsCallsAndLeavesTheExecutorToItsOwner() throws Exception {
    ExecutorService executor = singleThreadExecutor("app-single");
    WorkerPortal portal = new ExecutorServiceWorkerPortal(executor, PortalOptions.defaults());
    portal.submit(() -> "done").result(DEADLINE);

    portal.shutdown();
    assertTrue(portal.awaitTermination(DEADLINE));

    assertFalse(executor.isShutdown());
    assertEquals("still mine", executor.submit(() -> "still mine").get(30, TimeUnit.SECONDS));
  }

  @Test
  void anExecutorThatRejectsCancelsTheCallInsteadOfThrowingFromSubmit() throws Exception {
    ExecutorService executor = singleThreadExecutor("app-single");
    executor.shutdown();
    WorkerPortal portal = new ExecutorServiceWorkerPortal(executor, PortalOptions.defaults());
    Call<String> call = Call.of(() -> "never runs");
    Logger portal4j = (Logger) LoggerFactory.getLogger("org.portal4j");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    portal4j.addAppender(logs);
    try {
      assertSame(call, portal.submit(call));
    } finally {
      portal4j.detachAppender(logs);
    }

    assertTrue(call.isCancelled());
    List<String> logged =
        logs.list.stream()
            .map(e -> e.getLevel() + " " + e.getFormattedMessage())
            .collect(Collectors.toList());
    assertTrue(
        logged.contains("ERROR " + portal.name() + " failed to start")
            && logged.contains(
                "WARN " + portal.name() + " cancelled 1 call(s) it had taken: it failed to start"),
        "the refusal is logged: " + logged);
    assertThrows(CallCancelledException.class, call::result);
    portal.shutdown();
    assertTrue(
        portal.awaitTermination(Duration.ZERO), "a rejected call leaves nothing to wait for");
  }

  @Test
  void aRunOnceWorkerTakesOneCallThenRefusesTheNext() throws Exception {
    WorkerPortal portal =
        new ExecutorServiceWorkerPortal(
            singleThreadExecutor("app-single"), PortalOptions.builder().runOnce(true).build());

    assertEquals("only", portal.submit(() -> "only").result(DEADLINE));
    assertThrows(IllegalStateException.class, () -> portal.submit(() -> "second"));
    assertTrue(portal.isShutdown());
    assertTrue(portal.awaitTermination(DEADLINE));
  }

  @Test
  void aTimeoutInterruptsTheCallAndThePoolThreadServesTheNextCallUninterrupted() throws Exception {
    WorkerPortal portal =
        new ExecutorServiceWorkerPortal(
            singleThreadExecutor("app-single"), PortalOptions.defaults());
    CountDownLatch never = new CountDownLatch(1);

    assertThrows(
        CallTimeoutException.class,
        () ->
            FromSync.callIn(
                portal,
                Call.of(
                    () -> {
                      never.await();
                      return "unreachable";
                    }),
                Duration.ofMillis(200)));

    assertFalse(portal.submit(() -> Thread.currentThread().isInterrupted()).result(DEADLINE));
    portal.shutdown();
    assertTrue(portal.awaitTermination(DEADLINE));
  }
}

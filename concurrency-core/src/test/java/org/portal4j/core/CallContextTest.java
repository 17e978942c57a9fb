package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.portal4j.core.CallTestSupport.WAIT;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.ContextKey;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;
import org.slf4j.MDC;

/** A call carries its creator's ContextKey values and MDC, and leaves its runner's untouched. */
@CheckThreadLeaks
@Timeout(30)
class CallContextTest {

  private static final ContextKey<String> REQUEST = ContextKey.named("request");
  private static final ContextKey<String> USER = ContextKey.named("user");

  private final CallTestSupport support = new CallTestSupport();

  @BeforeEach
  @AfterEach
  void clearThisThreadsContext() {
    MDC.clear();
    REQUEST.set(null); // left open on purpose: the thread keeps no value of ours
    USER.set(null);
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    support.cleanUp();
  }

  /** What a body saw of its context. */
  private static final class Seen {
    final AtomicReference<String> request = new AtomicReference<>();
    final AtomicReference<String> user = new AtomicReference<>();
    final AtomicReference<Map<String, String>> mdc = new AtomicReference<>();
  }

  private static Call<String> recording(Seen seen) {
    return Call.of(
        () -> {
          seen.request.set(REQUEST.get());
          seen.user.set(USER.get());
          seen.mdc.set(mdcNow());
          return "x";
        });
  }

  private static Map<String, String> mdcNow() {
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    return mdc == null ? Map.of() : Map.copyOf(mdc);
  }

  /** Runs {@code call} on a fresh thread that has context of its own; returns what it had after. */
  private Map<String, Object> runOnThreadWithItsOwnContext(Call<?> call) throws Exception {
    CompletableFuture<Map<String, Object>> after = new CompletableFuture<>();
    Thread thread =
        support.startThread(
            "context-runner",
            () -> {
              MDC.put("thread", "runner");
              try (ContextKey.Scope s = USER.set("runner-user")) {
                call.run();
                after.complete(
                    Map.of(
                        "request", String.valueOf(REQUEST.get()),
                        "user", String.valueOf(USER.get()),
                        "mdc", mdcNow()));
              } catch (Throwable t) {
                after.completeExceptionally(t);
              }
            });
    Map<String, Object> result = after.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    CallTestSupport.join(thread);
    return result;
  }

  @Test
  void callRunsInsideTheContextKeyValuesItsCreatorHad() throws Exception {
    Seen seen = new Seen();
    Call<String> call;
    try (ContextKey.Scope r = REQUEST.set("r-42");
        ContextKey.Scope u = USER.set("alice")) {
      call = recording(seen);
    }

    runOnThreadWithItsOwnContext(call);

    assertEquals("r-42", seen.request.get());
    assertEquals("alice", seen.user.get());
  }

  @Test
  void callRunsInsideTheMdcItsCreatorHad() throws Exception {
    Seen seen = new Seen();
    MDC.put("request", "r-42");
    Call<String> call = recording(seen);
    MDC.clear();

    runOnThreadWithItsOwnContext(call);

    assertEquals(Map.of("request", "r-42"), seen.mdc.get(), "only the creator's MDC");
  }

  @Test
  void contextIsCapturedWhenTheCallIsCreatedNotWhenItRuns() {
    Seen seen = new Seen();
    MDC.put("request", "at-creation");
    Call<String> call;
    try (ContextKey.Scope r = REQUEST.set("at-creation")) {
      call = recording(seen);
    }

    MDC.put("request", "later");
    try (ContextKey.Scope r = REQUEST.set("later")) {
      call.run();
    }

    assertEquals("at-creation", seen.request.get());
    assertEquals(Map.of("request", "at-creation"), seen.mdc.get());
  }

  @Test
  void callCreatedWithoutContextRunsWithoutTheRunningThreadsContext() throws Exception {
    Seen seen = new Seen();
    Call<String> call = recording(seen); // this thread's context is empty

    runOnThreadWithItsOwnContext(call);

    assertNull(seen.user.get(), "the runner's USER is not the call's");
    assertEquals(Map.of(), seen.mdc.get());
  }

  @Test
  void runningACallLeavesTheThreadsContextKeyValuesAndMdcAsItFoundThem() throws Exception {
    Call<String> call;
    MDC.put("request", "creator");
    try (ContextKey.Scope r = REQUEST.set("creator")) {
      call =
          Call.of(
              () -> {
                // The body changes its context and does not clean up after itself.
                REQUEST.set("changed by the body");
                USER.set("changed by the body");
                MDC.put("request", "changed by the body");
                MDC.put("extra", "left by the body");
                return "x";
              });
    }

    Map<String, Object> after = runOnThreadWithItsOwnContext(call);

    assertEquals("null", after.get("request"));
    assertEquals("runner-user", after.get("user"));
    assertEquals(Map.of("thread", "runner"), after.get("mdc"));
  }

  @Test
  void runningACallOnAThreadWithoutContextLeavesItWithout() {
    Call<String> call;
    MDC.put("request", "creator");
    try (ContextKey.Scope r = REQUEST.set("creator")) {
      call = Call.of(() -> "x");
    }
    MDC.clear();

    call.run();

    assertNull(REQUEST.get());
    assertEquals(Map.of(), mdcNow());
  }

  @Test
  void contextIsRestoredEvenWhenTheFunctionThrows() throws Exception {
    Call<String> call;
    try (ContextKey.Scope r = REQUEST.set("creator")) {
      MDC.put("request", "creator");
      call =
          Call.of(
              () -> {
                throw new IllegalStateException("boom");
              });
    }
    MDC.clear();

    Map<String, Object> after = runOnThreadWithItsOwnContext(call);

    assertEquals("null", after.get("request"));
    assertEquals("runner-user", after.get("user"));
    assertEquals(Map.of("thread", "runner"), after.get("mdc"));
  }

  @Test
  void callSubmittedToAWorkerSeesItsCreatorsContext() throws Exception {
    Seen seen = new Seen();
    WorkerPortal worker = Portals.newWorkerThread();
    try {
      MDC.put("request", "r-7");
      Call<String> call;
      try (ContextKey.Scope r = REQUEST.set("r-7")) {
        call = recording(seen);
      }

      worker.submit(call).result(WAIT);

      assertEquals("r-7", seen.request.get());
      assertEquals(Map.of("request", "r-7"), seen.mdc.get());
    } finally {
      worker.shutdown();
      assertTrue(worker.awaitTermination(WAIT));
    }
  }
}

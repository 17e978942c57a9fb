package org.portal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without concurrency-core on the class path (this module's tests never have it), every entry point
 * fails with an IllegalStateException that says what to add, each time it is called, and starts no
 * thread. (This module cannot use {@code @CheckThreadLeaks}: {@code concurrency-test} depends on
 * it.)
 */
@Timeout(30)
class MissingRuntimeTest {

  private static final String ADVICE = "org.portal4j:concurrency-core";

  /** A call that is never run: the entry points must fail before they touch it. */
  @SuppressWarnings("unchecked")
  private static final Call<Object> CALL =
      (Call<Object>)
          Proxy.newProxyInstance(
              Call.class.getClassLoader(),
              new Class<?>[] {Call.class},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "toString":
                    return "fake-call";
                  case "hashCode":
                    return System.identityHashCode(proxy);
                  case "equals":
                    return proxy == args[0];
                  default:
                    throw new AssertionError("the fake call was used: " + method);
                }
              });

  /** A portal that is never used: the entry points must fail before they submit to it. */
  private static final Portal PORTAL =
      new Portal() {
        @Override
        public <T> Call<T> submit(Call<T> call) {
          throw new AssertionError("the fake portal was used");
        }

        @Override
        public String name() {
          return "fake-portal";
        }
      };

  /** A worker that is never used: {@code asExecutorService} must fail before it wraps it. */
  private static final WorkerPortal WORKER =
      (WorkerPortal)
          Proxy.newProxyInstance(
              WorkerPortal.class.getClassLoader(),
              new Class<?>[] {WorkerPortal.class},
              (proxy, method, args) -> {
                throw new AssertionError("the fake worker was used: " + method);
              });

  private static Named<Executable> entry(String name, Executable executable) {
    return Named.of(name, executable);
  }

  static Stream<Named<Executable>> entryPoints() {
    Duration second = Duration.ofSeconds(1);
    return Stream.of(
        entry("Call.of(fn)", () -> Call.of(() -> 1)),
        entry("Call.of(name, fn)", () -> Call.of("named", () -> 1)),
        entry("Call.ofAsync(fn)", () -> Call.ofAsync(() -> CompletableFuture.completedFuture(1))),
        entry(
            "Call.ofAsync(name, fn)",
            () -> Call.ofAsync("named", () -> CompletableFuture.completedFuture(1))),
        entry("Call.current()", Call::current),
        entry("Call.shield(fn)", () -> Call.shield(() -> 1)),
        entry("Call.from(stage)", () -> Call.from(new CompletableFuture<>())),
        entry("Call.from(name, stage)", () -> Call.from("named", new CompletableFuture<>())),
        entry("Portals.asExecutorService(worker)", () -> Portals.asExecutorService(WORKER)),
        entry("Portal.submit(fn)", () -> PORTAL.submit(() -> 1)),
        entry("Portals.newWorkerThread()", Portals::newWorkerThread),
        entry(
            "Portals.newWorkerThread(options)",
            () -> Portals.newWorkerThread(PortalOptions.defaults())),
        entry("Portals.newEventLoopThread()", Portals::newEventLoopThread),
        entry(
            "Portals.newEventLoopThread(options)",
            () -> Portals.newEventLoopThread(PortalOptions.defaults())),
        entry("Portals.globalLoop()", Portals::globalLoop),
        entry("Portals.inGlobalLoop()", Portals::inGlobalLoop),
        entry("Portals.waitForGlobalLoopExit()", () -> Portals.waitForGlobalLoopExit(second)),
        entry("Portals.currentLoop()", Portals::currentLoop),
        entry("Portals.backends()", Portals::backends),
        entry("Waiters.sync(call)", () -> Waiters.sync(CALL)),
        entry("Waiters.async(call)", () -> Waiters.async(CALL)),
        entry("Waiters.forThread(thread)", () -> Waiters.forThread(Thread.currentThread())),
        entry("Waiters.of(call)", () -> Waiters.of(CALL)),
        entry("Waiters.current()", Waiters::current),
        entry("FromSync.callInNewThread(fn)", () -> FromSync.callInNewThread(() -> 1)),
        entry("FromSync.callInNewThread(call)", () -> FromSync.callInNewThread(CALL)),
        entry(
            "FromSync.callInNewThread(call, timeout)",
            () -> FromSync.callInNewThread(CALL, second)),
        entry("FromSync.callSoonInNewThread(fn)", () -> FromSync.callSoonInNewThread(() -> 1)),
        entry("FromSync.callSoonInNewThread(call)", () -> FromSync.callSoonInNewThread(CALL)),
        entry(
            "FromSync.waitForCallInNewThread(fn)", () -> FromSync.waitForCallInNewThread(() -> 1)),
        entry(
            "FromSync.waitForCallInNewThread(call, timeout, doneCallbacks)",
            () -> FromSync.waitForCallInNewThread(CALL, null, List.of())),
        entry("FromSync.callInLoopThread(fn)", () -> FromSync.callInLoopThread(() -> 1)),
        entry("FromSync.callInLoopThread(call)", () -> FromSync.callInLoopThread(CALL)),
        entry("FromSync.callSoonInLoopThread(fn)", () -> FromSync.callSoonInLoopThread(() -> 1)),
        entry(
            "FromSync.waitForCallInLoopThread(call, timeout, doneCallbacks)",
            () -> FromSync.waitForCallInLoopThread(CALL, null, List.of())),
        entry("FromSync.callIn(portal, fn)", () -> FromSync.callIn(PORTAL, () -> 1)),
        entry("FromSync.callIn(portal, call)", () -> FromSync.callIn(PORTAL, CALL)),
        entry(
            "FromSync.waitForCallIn(portal, call, timeout, doneCallbacks)",
            () -> FromSync.waitForCallIn(PORTAL, CALL, null, List.of())),
        entry("FromAsync.callInNewThread(fn)", () -> FromAsync.callInNewThread(() -> 1)),
        entry("FromAsync.callInNewThread(call)", () -> FromAsync.callInNewThread(CALL)),
        entry("FromAsync.callSoonInNewThread(call)", () -> FromAsync.callSoonInNewThread(CALL)),
        entry(
            "FromAsync.waitForCallInNewThread(call, timeout, doneCallbacks)",
            () -> FromAsync.waitForCallInNewThread(CALL, null, List.of())),
        entry("FromAsync.callInLoopThread(call)", () -> FromAsync.callInLoopThread(CALL)),
        entry("FromAsync.callSoonInLoopThread(call)", () -> FromAsync.callSoonInLoopThread(CALL)),
        entry("FromAsync.callIn(portal, call)", () -> FromAsync.callIn(PORTAL, CALL)),
        entry(
            "FromAsync.waitForCallIn(portal, call, timeout, doneCallbacks)",
            () -> FromAsync.waitForCallIn(PORTAL, CALL, null, List.of())));
  }

  @Test
  void coreIsNotOnThisClassPath() {
    assertThrows(
        ClassNotFoundException.class, () -> Class.forName("org.portal4j.core.CoreRuntime"));
  }

  @ParameterizedTest
  @MethodSource("entryPoints")
  void everyEntryPointThrowsIllegalStateExceptionNamingCoreEveryTime(Executable entryPoint) {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    IllegalStateException first = assertThrows(IllegalStateException.class, entryPoint);
    IllegalStateException second = assertThrows(IllegalStateException.class, entryPoint);

    assertTrue(first.getMessage().contains(ADVICE), first.getMessage());
    assertEquals(first.getMessage(), second.getMessage());
    Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
    started.removeAll(before);
    started.removeIf(t -> !t.isAlive());
    assertEquals(Set.of(), started, "threads started by an entry point that failed");
  }
}

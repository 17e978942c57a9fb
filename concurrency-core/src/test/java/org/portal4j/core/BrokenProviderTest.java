package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.core.ProviderSelectionTest.FakeProvider;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Backends": a provider that throws anything from {@code kinds()}, {@code name()},
 * {@code priority()} or {@code isAvailable()} ({@code Error}s included), or whose {@code kinds()}
 * is null, is logged once at WARN, naming its class and keeping the cause, and skipped; one whose
 * {@code newWorker}/{@code newLoop} returns null gives an {@link IllegalStateException} naming the
 * provider.
 */
@CheckThreadLeaks
@Timeout(30)
class BrokenProviderTest {

  /** Which method of the broken provider fails. */
  enum Broken {
    KINDS,
    NAME,
    PRIORITY,
    IS_AVAILABLE
  }

  /**
   * A provider that would win both kinds (priority 1000) but one of whose methods throws {@code
   * failure}; counts the calls of that method.
   */
  static final class BrokenProvider implements PortalProvider {
    final Broken broken;
    final Throwable failure;
    final AtomicInteger brokenCalls = new AtomicInteger();

    BrokenProvider(Broken broken, Throwable failure) {
      this.broken = broken;
      this.failure = failure;
    }

    private void fail(Broken method) {
      if (method == broken) {
        brokenCalls.incrementAndGet();
        if (failure instanceof Error) {
          throw (Error) failure;
        }
        throw (RuntimeException) failure;
      }
    }

    @Override
    public String name() {
      fail(Broken.NAME);
      return "broken-one";
    }

    @Override
    public int priority() {
      fail(Broken.PRIORITY);
      return 1000;
    }

    @Override
    public Set<PortalKind> kinds() {
      fail(Broken.KINDS);
      return EnumSet.allOf(PortalKind.class);
    }

    @Override
    public boolean isAvailable() {
      fail(Broken.IS_AVAILABLE);
      return true;
    }

    @Override
    public WorkerPortal newWorker(PortalOptions options) {
      throw new AssertionError("a broken provider must be skipped, not used");
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      throw new AssertionError("a broken provider must be skipped, not used");
    }
  }

  /** A provider whose {@code kinds()} is null. */
  static final class NullKindsProvider implements PortalProvider {
    final AtomicInteger kindsCalls = new AtomicInteger();

    @Override
    public String name() {
      return "null-kinds";
    }

    @Override
    public int priority() {
      return 1000;
    }

    @Override
    public Set<PortalKind> kinds() {
      kindsCalls.incrementAndGet();
      return null;
    }

    @Override
    public WorkerPortal newWorker(PortalOptions options) {
      throw new AssertionError("a broken provider must be skipped, not used");
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      throw new AssertionError("a broken provider must be skipped, not used");
    }
  }

  /** A provider that makes null portals. */
  static final class NullPortalProvider implements PortalProvider {
    static final String NAME = "null-maker";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public int priority() {
      return 1000;
    }

    @Override
    public Set<PortalKind> kinds() {
      return EnumSet.allOf(PortalKind.class);
    }

    @Override
    public WorkerPortal newWorker(PortalOptions options) {
      return null;
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      return null;
    }
  }

  private static CoreRuntime runtime(PortalProvider... providers) {
    Supplier<java.util.Iterator<PortalProvider>> discovery = () -> List.of(providers).iterator();
    return new CoreRuntime(new Backends(discovery, name -> null));
  }

  private static FakeProvider good() {
    return new FakeProvider("good", 0, PortalKind.WORKER, PortalKind.LOOP);
  }

  static Stream<Arguments> brokenProviders() {
    return Stream.of(Broken.values())
        .flatMap(
            method ->
                Stream.<Supplier<Throwable>>of(
                        () -> new IllegalStateException("boom from " + method),
                        () -> new AssertionError("boom from " + method),
                        () -> new LinkageError("boom from " + method))
                    .map(failure -> Arguments.of(method, failure.get())));
  }

  /** Uses every entry point once and checks each is served by {@code good}. */
  private static void everyEntryPointWorks(CoreRuntime runtime, FakeProvider good) {
    assertEquals(
        Map.of(PortalKind.WORKER, "good", PortalKind.LOOP, "good"),
        runtime.portals().backends(),
        "backends");
    assertSame(
        good.worker, runtime.portals().newWorker(PortalOptions.defaults()), "newWorkerThread");
    assertSame(good.loop, runtime.portals().newLoop(PortalOptions.defaults()), "newEventLoop");
    Call<String> call = Call.of(() -> "x");
    runtime.portals().newThreadPerCall().submit(call);
    verify(good.worker).submit(call);
    assertSame(good.loop, runtime.portals().globalLoop(), "globalLoop");
    assertEquals(Optional.empty(), runtime.portals().currentLoop(), "currentLoop");
  }

  /** WARN events that name {@code type}'s class (simple or full name). */
  private static List<ILoggingEvent> warningsNaming(LogCapture logs, Class<?> type) {
    return logs.at(Level.WARN).stream()
        .filter(e -> e.getFormattedMessage().contains(type.getSimpleName()))
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0} throws {1}")
  @MethodSource("brokenProviders")
  void aProviderWhoseMethodThrowsIsLoggedOnceAtWarnWithItsCauseAndSkipped(
      Broken method, Throwable failure) {
    BrokenProvider broken = new BrokenProvider(method, failure);
    FakeProvider good = good();
    try (LogCapture logs = LogCapture.start()) {
      CoreRuntime runtime = runtime(broken, good);

      everyEntryPointWorks(runtime, good);
      int callsAfterFirstRound = broken.brokenCalls.get();
      everyEntryPointWorks(runtime, good);

      assertEquals(
          callsAfterFirstRound, broken.brokenCalls.get(), "the broken provider was asked again");
      List<ILoggingEvent> warnings = warningsNaming(logs, BrokenProvider.class);
      assertEquals(
          1,
          warnings.size(),
          "expected one WARN naming the provider's class, got " + logs.events());
      assertTrue(
          warnings.get(0).getThrowableProxy() != null
              && warnings
                  .get(0)
                  .getThrowableProxy()
                  .getClassName()
                  .equals(failure.getClass().getName()),
          "the WARN does not carry the cause " + failure);
    }
  }

  @Test
  void aProviderWhoseKindsAreNullIsLoggedOnceAtWarnAndSkipped() {
    NullKindsProvider broken = new NullKindsProvider();
    FakeProvider good = good();
    try (LogCapture logs = LogCapture.start()) {
      CoreRuntime runtime = runtime(broken, good);

      everyEntryPointWorks(runtime, good);
      int callsAfterFirstRound = broken.kindsCalls.get();
      everyEntryPointWorks(runtime, good);

      assertEquals(callsAfterFirstRound, broken.kindsCalls.get(), "kinds() was asked again");
      assertEquals(
          1,
          warningsNaming(logs, NullKindsProvider.class).size(),
          "expected one WARN naming the provider's class, got " + logs.events());
    }
  }

  enum NullPortal {
    NEW_WORKER_THREAD,
    NEW_EVENT_LOOP_THREAD,
    NEW_THREAD_PORTAL,
    GLOBAL_LOOP
  }

  @ParameterizedTest
  @EnumSource(NullPortal.class)
  void aProviderThatReturnsANullPortalGivesAnIllegalStateExceptionNamingIt(NullPortal entry) {
    CoreRuntime runtime = runtime(new NullPortalProvider(), good());
    Runnable use =
        switch (entry) {
          case NEW_WORKER_THREAD -> () -> runtime.portals().newWorker(PortalOptions.defaults());
          case NEW_EVENT_LOOP_THREAD -> () -> runtime.portals().newLoop(PortalOptions.defaults());
          case NEW_THREAD_PORTAL ->
              () -> runtime.portals().newThreadPerCall().submit(Call.of(() -> "x"));
          case GLOBAL_LOOP -> runtime.portals()::globalLoop;
        };

    IllegalStateException e = assertThrows(IllegalStateException.class, use::run);

    assertTrue(
        String.valueOf(e.getMessage()).contains(NullPortalProvider.NAME),
        "the message does not name the provider: " + e.getMessage());
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * How the runtime chooses a backend per portal kind, with fake providers and the real class path.
 */
@CheckThreadLeaks
@Timeout(30)
class ProviderSelectionTest {

  private static final Function<String, String> NO_PROPERTIES = name -> null;

  /** A provider that hands out Mockito mocks, so identity tells which provider made a portal. */
  static final class FakeProvider implements PortalProvider {
    final String name;
    final int priority;
    final Set<PortalKind> kinds;
    final WorkerPortal worker = mock(WorkerPortal.class);
    final LoopPortal loop = mock(LoopPortal.class);
    final AtomicInteger availabilityChecks = new AtomicInteger();
    final List<PortalOptions> workerOptions = Collections.synchronizedList(new ArrayList<>());
    boolean available = true;
    RuntimeException availabilityFailure;
    RuntimeException workerFailure;

    FakeProvider(String name, int priority, PortalKind first, PortalKind... rest) {
      this.name = name;
      this.priority = priority;
      this.kinds = EnumSet.of(first, rest);
    }

    FakeProvider unavailable() {
      available = false;
      return this;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Set<PortalKind> kinds() {
      return kinds;
    }

    @Override
    public boolean isAvailable() {
      availabilityChecks.incrementAndGet();
      if (availabilityFailure != null) {
        throw availabilityFailure;
      }
      return available;
    }

    @Override
    public WorkerPortal newWorker(PortalOptions options) {
      workerOptions.add(options);
      if (workerFailure != null) {
        throw workerFailure;
      }
      return worker;
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      return loop;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Stands in the discovery list for a provider that fails to load. */
  private static final class LoadFailure {
    final Throwable error;

    LoadFailure(Throwable error) {
      this.error = error;
    }
  }

  enum ThrowFrom {
    HAS_NEXT,
    NEXT
  }

  /**
   * Iterates like {@link java.util.ServiceLoader}'s iterator: a {@link LoadFailure} entry throws
   * its error once (from {@code hasNext()} or {@code next()}) and iteration then goes on.
   */
  private static Supplier<Iterator<PortalProvider>> discovery(ThrowFrom from, Object... entries) {
    return () ->
        new Iterator<>() {
          private int index;

          @Override
          public boolean hasNext() {
            if (from == ThrowFrom.HAS_NEXT) {
              throwIfFailure();
            }
            return index < entries.length;
          }

          @Override
          public PortalProvider next() {
            if (index >= entries.length) {
              throw new NoSuchElementException();
            }
            throwIfFailure();
            return (PortalProvider) entries[index++];
          }

          private void throwIfFailure() {
            if (index < entries.length && entries[index] instanceof LoadFailure) {
              Throwable error = ((LoadFailure) entries[index++]).error;
              if (error instanceof Error) {
                throw (Error) error;
              }
              throw (RuntimeException) error;
            }
          }
        };
  }

  private static Supplier<Iterator<PortalProvider>> discovery(PortalProvider... providers) {
    return () -> Arrays.<PortalProvider>asList(providers).iterator();
  }

  private static CoreRuntime runtime(
      Supplier<Iterator<PortalProvider>> discovery, Function<String, String> properties) {
    return new CoreRuntime(new Backends(discovery, properties));
  }

  private static Function<String, String> property(String key, String value) {
    return name -> name.equals(key) ? value : null;
  }

  // ------------------------------------------------------------------ priority

  @ParameterizedTest(name = "reversed discovery order: {0}")
  @ValueSource(booleans = {false, true})
  void theAvailableProviderWithTheHighestPriorityWinsPerKind(boolean reversed) {
    FakeProvider low = new FakeProvider("low", 0, PortalKind.WORKER, PortalKind.LOOP);
    FakeProvider high = new FakeProvider("high", 100, PortalKind.WORKER);
    FakeProvider loopOnly = new FakeProvider("loop-only", 1000, PortalKind.LOOP);
    FakeProvider middle = new FakeProvider("middle", 50, PortalKind.WORKER, PortalKind.LOOP);
    List<PortalProvider> providers = new ArrayList<>(List.of(low, high, loopOnly, middle));
    if (reversed) {
      Collections.reverse(providers);
    }
    CoreRuntime runtime =
        runtime(discovery(providers.toArray(new PortalProvider[0])), NO_PROPERTIES);

    assertEquals(
        Map.of(PortalKind.WORKER, "high", PortalKind.LOOP, "loop-only"),
        runtime.portals().backends());
    assertSame(high.worker, runtime.portals().newWorker(PortalOptions.defaults()));
    assertSame(loopOnly.loop, runtime.portals().newLoop(PortalOptions.defaults()));
  }

  @Test
  void anUnavailableProviderIsSkipped() {
    FakeProvider low = new FakeProvider("low", 0, PortalKind.WORKER, PortalKind.LOOP);
    FakeProvider high = new FakeProvider("high", 100, PortalKind.WORKER).unavailable();
    CoreRuntime runtime = runtime(discovery(high, low), NO_PROPERTIES);

    assertEquals("low", runtime.portals().backends().get(PortalKind.WORKER));
    assertSame(low.worker, runtime.portals().newWorker(PortalOptions.defaults()));
  }

  @Test
  void aProviderWhoseAvailabilityCheckThrowsIsLoggedAndSkipped() {
    FakeProvider low = new FakeProvider("low", 0, PortalKind.WORKER, PortalKind.LOOP);
    FakeProvider broken = new FakeProvider("broken", 100, PortalKind.WORKER);
    broken.availabilityFailure = new IllegalStateException("cannot tell");
    try (LogCapture logs = LogCapture.start()) {
      CoreRuntime runtime = runtime(discovery(broken, low), NO_PROPERTIES);

      assertSame(low.worker, runtime.portals().newWorker(PortalOptions.defaults()));
      assertTrue(
          logs.at(Level.WARN).stream().anyMatch(e -> e.getFormattedMessage().contains("broken")),
          "expected a WARN naming the provider, got " + logs.events());
    }
  }

  @Test
  void theChoiceIsMadeOnceAtFirstUse() {
    AtomicInteger discoveries = new AtomicInteger();
    FakeProvider only = new FakeProvider("only", 0, PortalKind.WORKER, PortalKind.LOOP);
    Supplier<Iterator<PortalProvider>> counting =
        () -> {
          discoveries.incrementAndGet();
          return List.<PortalProvider>of(only).iterator();
        };
    CoreRuntime runtime = runtime(counting, NO_PROPERTIES);

    runtime.portals().backends(); // first use of every kind
    int checks = only.availabilityChecks.get();
    for (int i = 0; i < 5; i++) {
      assertSame(only.worker, runtime.portals().newWorker(PortalOptions.defaults()));
      assertSame(only.loop, runtime.portals().newLoop(PortalOptions.defaults()));
      runtime.portals().backends();
    }

    assertEquals(1, discoveries.get(), "providers must be discovered once");
    assertEquals(
        checks, only.availabilityChecks.get(), "availability is checked at selection only");
  }

  // ------------------------------------------------------------------ system property override

  @Test
  void thePortal4jWorkerPropertyPicksALowerPriorityProvider() {
    FakeProvider low = new FakeProvider("low", 0, PortalKind.WORKER, PortalKind.LOOP);
    FakeProvider high = new FakeProvider("high", 100, PortalKind.WORKER, PortalKind.LOOP);
    CoreRuntime runtime = runtime(discovery(high, low), property("portal4j.worker", "low"));

    assertEquals(
        Map.of(PortalKind.WORKER, "low", PortalKind.LOOP, "high"), runtime.portals().backends());
    assertSame(low.worker, runtime.portals().newWorker(PortalOptions.defaults()));
    assertSame(high.loop, runtime.portals().newLoop(PortalOptions.defaults()));
  }

  enum FirstUse {
    BACKENDS,
    NEW_WORKER_THREAD,
    NEW_THREAD_PORTAL
  }

  private static Runnable use(CoreRuntime runtime, FirstUse use) {
    switch (use) {
      case BACKENDS:
        return runtime.portals()::backends;
      case NEW_WORKER_THREAD:
        return () -> runtime.portals().newWorker(PortalOptions.defaults());
      default:
        return () -> runtime.portals().newThreadPerCall().submit(Call.of(() -> "x"));
    }
  }

  @ParameterizedTest
  @EnumSource(FirstUse.class)
  void anUnknownNameFailsAtFirstUseAndEveryUseAfterListingTheKnownOnes(FirstUse first) {
    FakeProvider alpha = new FakeProvider("alpha", 0, PortalKind.WORKER, PortalKind.LOOP);
    FakeProvider beta = new FakeProvider("beta", 100, PortalKind.WORKER);
    CoreRuntime runtime =
        assertDoesNotThrow(
            () -> runtime(discovery(alpha, beta), property("portal4j.worker", "nope")));

    IllegalStateException firstFailure =
        assertThrows(IllegalStateException.class, () -> use(runtime, first).run());

    String message = firstFailure.getMessage();
    assertNotNull(message);
    for (String expected : List.of("nope", "alpha", "beta")) {
      assertTrue(message.contains(expected), "'" + expected + "' missing from: " + message);
    }
    for (FirstUse later : FirstUse.values()) {
      for (int i = 0; i < 2; i++) {
        IllegalStateException again =
            assertThrows(IllegalStateException.class, () -> use(runtime, later).run());
        assertEquals(message, again.getMessage());
      }
    }
    assertTrue(alpha.workerOptions.isEmpty(), "no worker may be made by another backend");
    assertTrue(beta.workerOptions.isEmpty(), "no worker may be made by another backend");
    assertSame(
        alpha.loop, runtime.portals().newLoop(PortalOptions.defaults()), "LOOP is unaffected");
  }

  // ------------------------------------------------------------------ failures

  enum BadLoad {
    SERVICE_CONFIGURATION_ERROR_FROM_NEXT(
        ThrowFrom.NEXT, new ServiceConfigurationError("Provider com.example.Broken not found")),
    CONSTRUCTOR_FAILURE_FROM_NEXT(
        ThrowFrom.NEXT,
        new ServiceConfigurationError(
            "Provider com.example.Broken could not be instantiated",
            new IllegalStateException("constructor failed"))),
    SERVICE_CONFIGURATION_ERROR_FROM_HAS_NEXT(
        ThrowFrom.HAS_NEXT, new ServiceConfigurationError("bad META-INF/services line"));

    final ThrowFrom from;
    final Throwable error;

    BadLoad(ThrowFrom from, Throwable error) {
      this.from = from;
      this.error = error;
    }
  }

  @ParameterizedTest
  @EnumSource(BadLoad.class)
  void aProviderThatFailsToLoadIsLoggedAtWarnAndSkipped(BadLoad bad) {
    FakeProvider before = new FakeProvider("before", 0, PortalKind.WORKER, PortalKind.LOOP);
    FakeProvider after = new FakeProvider("after", 10, PortalKind.WORKER);
    try (LogCapture logs = LogCapture.start()) {
      CoreRuntime runtime =
          runtime(discovery(bad.from, before, new LoadFailure(bad.error), after), NO_PROPERTIES);

      assertEquals(
          "after", runtime.portals().backends().get(PortalKind.WORKER), "loading must go on");
      assertSame(after.worker, runtime.portals().newWorker(PortalOptions.defaults()));

      List<ILoggingEvent> warnings = logs.at(Level.WARN);
      assertTrue(
          warnings.stream()
              .anyMatch(
                  e ->
                      e.getThrowableProxy() != null
                          && e.getThrowableProxy()
                              .getClassName()
                              .equals(bad.error.getClass().getName())),
          "expected a WARN carrying the load failure, got " + logs.events());
    }
  }

  @Test
  void aServiceFileThatFailsForeverDoesNotHangTheChoice() {
    Iterator<PortalProvider> forever =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            throw new ServiceConfigurationError("broken for ever");
          }

          @Override
          public PortalProvider next() {
            throw new java.util.NoSuchElementException();
          }
        };
    try (LogCapture logs = LogCapture.start()) {
      CoreRuntime runtime = runtime(() -> forever, NO_PROPERTIES);
      assertThrows(
          IllegalStateException.class, () -> runtime.portals().newWorker(PortalOptions.defaults()));
      assertTrue(
          logs.messages(Level.WARN).stream().anyMatch(m -> m.startsWith("Gave up looking")),
          "giving up is said: " + logs.messages(Level.WARN));
    }
  }

  @Test
  void aChoiceThatCannotBeMadeKeepsWhyProvidersWereSkipped() {
    ServiceConfigurationError broken =
        new ServiceConfigurationError(
            "Provider com.example.Wanted could not be instantiated",
            new IllegalStateException("constructor failed"));
    FakeProvider other = new FakeProvider("other", 0, PortalKind.WORKER, PortalKind.LOOP);
    try (LogCapture logs = LogCapture.start()) {
      CoreRuntime runtime =
          runtime(
              discovery(ThrowFrom.NEXT, new LoadFailure(broken), other),
              property("portal4j.worker", "wanted"));

      for (int use = 0; use < 2; use++) {
        IllegalStateException e =
            assertThrows(
                IllegalStateException.class,
                () -> runtime.portals().newWorker(PortalOptions.defaults()));
        assertTrue(
            Arrays.asList(e.getSuppressed()).contains(broken),
            "the load failure must travel with the failed choice: " + e);
      }
    }
  }

  @Test
  void anExceptionFromNewWorkerReachesTheCaller() {
    FakeProvider failing = new FakeProvider("failing", 100, PortalKind.WORKER, PortalKind.LOOP);
    IllegalArgumentException boom = new IllegalArgumentException("cannot make a worker");
    failing.workerFailure = boom;
    FakeProvider fallback = new FakeProvider("fallback", 0, PortalKind.WORKER, PortalKind.LOOP);
    CoreRuntime runtime = runtime(discovery(failing, fallback), NO_PROPERTIES);
    PortalOptions options = PortalOptions.builder().name("wanted").build();

    for (int i = 0; i < 2; i++) {
      assertSame(
          boom,
          assertThrows(IllegalArgumentException.class, () -> runtime.portals().newWorker(options)));
    }
    assertEquals(
        List.of(options, options), failing.workerOptions, "asked each time, with the options");
    assertTrue(fallback.workerOptions.isEmpty(), "no silent fallback to another backend");
    assertEquals("failing", runtime.portals().backends().get(PortalKind.WORKER));
  }

  @Test
  void theNewThreadPerCallPortalMakesARunOnceWorkerOfTheChosenBackendPerCall() {
    FakeProvider chosen = new FakeProvider("chosen", 10, PortalKind.WORKER, PortalKind.LOOP);
    CoreRuntime runtime = runtime(discovery(chosen), NO_PROPERTIES);
    CorePortals portals = (CorePortals) runtime.portals();

    Call<String> waited = Call.of(() -> "waited for");
    Call<String> soon = Call.of(() -> "nobody waits");
    portals.forWaitedCall(portals.newThreadPerCall()).submit(waited);
    portals.newThreadPerCall().submit(soon);
    verify(chosen.worker).submit(waited);
    verify(chosen.worker).submit(soon);

    assertEquals(2, chosen.workerOptions.size());
    assertTrue(chosen.workerOptions.get(0).runOnce(), "FromSync new threads must be run-once");
    assertTrue(chosen.workerOptions.get(0).daemon(), "a waited call's caller keeps the JVM alive");
    assertTrue(chosen.workerOptions.get(1).runOnce(), "FromSync new threads must be run-once");
    assertFalse(
        chosen.workerOptions.get(1).daemon(), "a call nobody waits for keeps the JVM alive");
  }

  // ------------------------------------------------------------------ the real class path

  @Test
  void theRealClassPathChoosesPlatform() throws Exception {
    Map<PortalKind, String> backends = Portals.backends();
    assertEquals(PlatformPortalProvider.NAME, backends.get(PortalKind.WORKER));
    assertThrows(
        UnsupportedOperationException.class, () -> backends.put(PortalKind.WORKER, "other"));

    WorkerPortal worker = Portals.newWorkerThread();
    try {
      assertInstanceOf(WorkerThreadPortal.class, worker);
      assertFalse(worker.isRunning());
    } finally {
      worker.close();
      assertTrue(worker.awaitTermination(Duration.ofSeconds(10)));
    }
  }
}

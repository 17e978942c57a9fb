package org.portal4j.core;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.portal4j.core.CallTestSupport.awaitCondition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.portal4j.AsyncWaiter;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.ContextKey;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.internal.RuntimeBinding;
import org.portal4j.services.AbstractQueueService;
import org.portal4j.services.BatchedQueueService;
import org.portal4j.services.FutureQueueService;
import org.portal4j.services.QueueService;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * {@code docs/errors.md}, checked: every row of its tables is one invocation of {@link
 * #theRowHolds}, which runs the scenario registered for the row's id and asserts what the row says:
 * the exception's simple class name, a fragment of its message, and what happened to the call. A
 * row without a scenario fails, and so does a scenario without a row, so the page and this test
 * stay in step.
 *
 * <p>Scenarios use the static entry points ({@link Portals}, {@link FromSync}, ...) wherever they
 * can, so that the backend modules can run this class against their own portals. Each scenario gets
 * a {@link Fixture} that releases, cancels, drains, shuts down and joins everything it made once
 * the row is checked. Waits have deadlines: a scenario that would hang fails instead.
 *
 * <p>It lives in the services module because that is the one module whose tests see every artifact
 * the page covers (the API, the core runtime and the queue services); core cannot depend on the
 * services, which depend on nothing but the API.
 *
 * <p>Rows whose behaviour does not match the page yet are listed in {@link #KNOWN_BUGS}: they are
 * reported as aborted with what was observed, and fail as soon as they hold, so that the list is
 * emptied as the bugs are fixed.
 */
@CheckThreadLeaks
class ErrorsTableTest {

  private static final String DOC = "docs/errors.md";

  /** How long anything that should happen promptly may take. */
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** How long a wait that the contract says fails fast may take before we call it a hang. */
  private static final Duration FAST = Duration.ofSeconds(5);

  private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
  private static final Duration NEGATIVE = Duration.ofSeconds(-1);

  private static final Set<String> OUTCOMES =
      Set.of(
          "untouched",
          "cancelled",
          "cancelled with the cause",
          "timed out",
          "runs",
          "fails",
          "n/a");

  /**
   * Rows that do not hold yet: id → what is wrong. Each is reported as aborted with what the
   * scenario observed; remove the entry once the row holds (the test then fails to remind you).
   */
  private static final Map<String, String> KNOWN_BUGS = Map.of();

  // ------------------------------------------------------------------ the table

  /** One row of the page, or a problem with the page (then only {@code problem} is set). */
  record Row(
      String id,
      String heading,
      String misuse,
      String api,
      String exception,
      String fragment,
      String outcome,
      String problem) {

    static Row problem(String problem) {
      return new Row("--", "", problem, "", null, null, "n/a", problem);
    }

    boolean expectsNothingThrown() {
      return exception == null;
    }

    boolean expectsBackendsOwn() {
      return exception != null && exception.endsWith("'s own");
    }

    String displayName() {
      return id + " " + misuse + (KNOWN_BUGS.containsKey(id) ? " [known bug]" : "");
    }

    @Override
    public String toString() {
      return displayName();
    }
  }

  static Stream<Named<Row>> rows() throws IOException {
    Path doc = root().resolve(DOC);
    List<Row> rows = parse(Files.readAllLines(doc, StandardCharsets.UTF_8));
    Set<String> ids = rows.stream().map(Row::id).collect(Collectors.toSet());
    List<Row> all = new ArrayList<>(rows);
    if (rows.stream().noneMatch(r -> r.problem() == null)) {
      all.add(Row.problem("no rows found in " + doc));
    }
    List<String> orphans =
        SCENARIOS.keySet().stream().filter(id -> !ids.contains(id)).sorted().toList();
    if (!orphans.isEmpty()) {
      all.add(Row.problem("scenarios without a row in " + DOC + ": " + orphans));
    }
    List<String> staleBugs =
        KNOWN_BUGS.keySet().stream().filter(id -> !ids.contains(id)).sorted().toList();
    if (!staleBugs.isEmpty()) {
      all.add(Row.problem("KNOWN_BUGS lists rows that are not in " + DOC + ": " + staleBugs));
    }
    return all.stream().map(r -> Named.of(r.displayName(), r));
  }

  /** The repository root: the first directory above the working directory that holds the page. */
  static Path root() {
    Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(DOC))) {
        return dir;
      }
    }
    throw new IllegalStateException("No " + DOC + " in " + start + " or above");
  }

  /** Reads every table row under the page's headings; malformed rows become problem rows. */
  static List<Row> parse(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String heading = null;
    for (String line : lines) {
      String text = line.trim();
      if (text.startsWith("#")) {
        heading = text.replaceFirst("^#+", "").trim();
        continue;
      }
      if (!text.startsWith("|")) {
        continue;
      }
      List<String> cells = cells(text);
      if (cells.get(0).equals("id") || cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
        continue; // header or separator
      }
      if (cells.size() != 6 || !cells.get(0).matches("E\\d{2,}")) {
        rows.add(Row.problem("malformed row in " + DOC + ": " + text));
        continue;
      }
      String id = cells.get(0);
      if (!seen.add(id)) {
        rows.add(Row.problem("duplicate id " + id + " in " + DOC));
        continue;
      }
      String exception = stripTicks(cells.get(3));
      String fragment = between(cells.get(4));
      String outcome = cells.get(5).toLowerCase(Locale.ROOT).replaceFirst("\\s*\\(.*$", "").trim();
      if (!OUTCOMES.contains(outcome)) {
        rows.add(Row.problem(id + ": unknown call outcome '" + cells.get(5) + "'"));
        continue;
      }
      if (exception.isEmpty()) {
        rows.add(Row.problem(id + ": empty exception cell (write — for none)"));
        continue;
      }
      rows.add(
          new Row(
              id,
              heading,
              cells.get(1),
              cells.get(2),
              isNone(exception) ? null : exception,
              fragment,
              outcome,
              null));
    }
    return rows;
  }

  private static List<String> cells(String line) {
    String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
    return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
  }

  private static String stripTicks(String cell) {
    return cell.replace("`", "").trim();
  }

  /** The text between the first pair of backticks, or null for none. */
  private static String between(String cell) {
    int open = cell.indexOf('`');
    int close = open < 0 ? -1 : cell.indexOf('`', open + 1);
    if (close < 0) {
      return isNone(cell.trim()) ? null : cell.trim();
    }
    return cell.substring(open + 1, close);
  }

  private static boolean isNone(String cell) {
    return cell.equals("—") || cell.equals("-") || cell.isEmpty();
  }

  // ------------------------------------------------------------------ the test

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theRowHolds(Row row) throws Exception {
    if (row.problem() != null) {
      fail(row.problem());
    }
    Scenario scenario = SCENARIOS.get(row.id());
    assertNotNull(
        scenario,
        row.id()
            + " has no scenario: register one in ErrorsTableTest.SCENARIOS (the page and the test"
            + " go together)");
    String bug = KNOWN_BUGS.get(row.id());
    String pointer;
    try (Fixture f = new Fixture(row)) {
      pointer = check(row, scenario.run(f));
    } catch (AssertionError | Exception e) {
      if (bug == null) {
        throw e;
      }
      Assumptions.abort("Known bug " + row.id() + ": " + bug + ". Observed: " + e.getMessage());
      return;
    }
    if (bug != null) {
      fail(row.id() + " holds now: remove it from ErrorsTableTest.KNOWN_BUGS (" + bug + ")");
    }
    if (pointer != null) {
      Assumptions.abort(row.id() + " is not exercised in-process: " + pointer);
    }
  }

  /** Checks every variant a scenario observed; returns the pointer of a row tested elsewhere. */
  private static String check(Row row, List<Observed> seen) {
    assertFalse(seen.isEmpty(), row.id() + ": the scenario observed nothing");
    String pointer = null;
    boolean sawCall = false;
    List<Executable> checks = new ArrayList<>();
    for (Observed o : seen) {
      if (o.pointer() != null) {
        pointer = o.pointer();
        continue;
      }
      String where = row.id() + " [" + o.variant() + "]";
      checks.add(() -> checkException(row, o, where));
      if (o.call() != null) {
        sawCall = true;
        checks.add(() -> checkCall(row, o, where));
      }
    }
    assertAll(row.id() + " " + row.misuse(), checks); // every variant, not only the first to fail
    if (!row.outcome().equals("n/a") && pointer == null) {
      assertTrue(sawCall, row.id() + " says '" + row.outcome() + "' but no variant has a call");
    }
    return pointer;
  }

  private static void checkException(Row row, Observed o, String where) {
    Throwable thrown = o.thrown();
    if (row.expectsNothingThrown()) {
      if (thrown != null) {
        fail(where + ": expected no exception, got " + describe(thrown));
      }
    } else if (row.expectsBackendsOwn()) {
      assertNotNull(o.expected(), where + ": the scenario did not say which exception is expected");
      if (thrown != o.expected()) {
        fail(where + ": expected " + o.expected() + " itself, got " + describe(thrown));
      }
    } else {
      if (thrown == null) {
        fail(where + ": expected " + row.exception() + ", nothing was thrown");
      }
      if (!thrown.getClass().getSimpleName().equals(row.exception())) {
        fail(where + ": expected " + row.exception() + ", got " + describe(thrown));
      }
    }
    if (row.fragment() != null) {
      String message = thrown == null ? null : thrown.getMessage();
      if (message == null || !message.contains(row.fragment())) {
        fail(
            where + ": the message does not contain '" + row.fragment() + "': " + describe(thrown));
      }
    }
  }

  private static void checkCall(Row row, Observed o, String where) {
    Call<?> call = o.call();
    switch (row.outcome()) {
      case "untouched":
        assertEquals(o.before(), o.after(), where + ": the call changed");
        break;
      case "cancelled":
        awaitDone(call, where);
        assertTrue(
            call.isCancelled() && !call.isTimedOut(), where + ": expected cancelled: " + call);
        break;
      case "cancelled with the cause":
        awaitDone(call, where);
        assertTrue(
            call.isCancelled() && !call.isTimedOut(), where + ": expected cancelled: " + call);
        Throwable failure = failureOf(call);
        assertInstanceOf(CallCancelledException.class, failure, where);
        if (failure.getCause() != o.thrown()) {
          fail(
              where
                  + ": the call was cancelled with cause "
                  + failure.getCause()
                  + ", not with what was thrown: "
                  + o.thrown());
        }
        break;
      case "timed out":
        awaitDone(call, where);
        assertTrue(call.isTimedOut(), where + ": expected timed out: " + call);
        break;
      case "runs":
        awaitDone(call, where);
        assertFalse(call.isCancelled(), where + ": expected the call to run: " + call);
        assertEquals(null, failureOf(call), where + ": the call failed");
        break;
      case "fails":
        awaitDone(call, where);
        assertFalse(call.isCancelled(), where + ": expected the call to fail: " + call);
        assertSame(o.thrown(), failureOf(call), where + ": the call failed with something else");
        break;
      default: // n/a: the call is only the vehicle of the misuse
    }
  }

  private static void awaitDone(Call<?> call, String where) {
    awaitCondition(call::isDone, where + ": the call did not end: " + call);
  }

  /** What a done call failed with, or null. */
  private static Throwable failureOf(Call<?> call) {
    return call.toCompletableFuture().handle((value, error) -> error).getNow(null);
  }

  private static String describe(Throwable t) {
    if (t == null) {
      return "nothing";
    }
    StringBuilder text = new StringBuilder(t.toString());
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < Math.min(6, frames.length); i++) {
      text.append("\n\tat ").append(frames[i]);
    }
    if (t.getCause() != null && t.getCause() != t) {
      text.append("\ncaused by ").append(t.getCause());
    }
    return text.toString();
  }

  // ------------------------------------------------------------------ observations

  @FunctionalInterface
  interface Scenario {
    List<Observed> run(Fixture f) throws Exception;
  }

  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /** What a call looked like at one moment. */
  record CallState(String state, Portal runner, Duration timeout) {
    static CallState of(Call<?> call) {
      String state =
          call.isTimedOut()
              ? "timed out"
              : call.isCancelled()
                  ? "cancelled"
                  : call.isDone() ? "done" : call.isRunning() ? "running" : "pending";
      return new CallState(state, call.runner().orElse(null), call.timeout().orElse(null));
    }
  }

  /**
   * One variant of a scenario: what was thrown (null: nothing), the call involved (null: none) as
   * it was just before and just after the misuse, the very exception expected when the row says
   * "the provider's own", or a pointer to where a row is tested instead.
   */
  record Observed(
      String variant,
      Throwable thrown,
      Call<?> call,
      CallState before,
      CallState after,
      Throwable expected,
      String pointer) {

    Observed expecting(Throwable exception) {
      return new Observed(variant, thrown, call, before, after, exception, pointer);
    }

    static Observed pointer(String text) {
      return new Observed("pointer", null, null, null, null, null, text);
    }
  }

  /** Runs the misuse here and records what it threw and what the call looked like around it. */
  static Observed attempt(String variant, Call<?> call, Action misuse) {
    CallState before = call == null ? null : CallState.of(call);
    Throwable thrown = null;
    try {
      misuse.run();
    } catch (Throwable t) {
      thrown = t;
    }
    CallState after = call == null ? null : CallState.of(call);
    return new Observed(variant, thrown, call, before, after, null, null);
  }

  static Observed attempt(String variant, Action misuse) {
    return attempt(variant, null, misuse);
  }

  /**
   * Like {@link #attempt}, for methods that answer with a stage: what they throw at once, or else
   * what the stage fails with.
   */
  static Observed attemptAsync(
      String variant, Call<?> call, Callable<? extends CompletionStage<?>> misuse) {
    CallState before = call == null ? null : CallState.of(call);
    Throwable thrown;
    try {
      CompletionStage<?> stage = misuse.call();
      thrown =
          unwrap(
              stage
                  .toCompletableFuture()
                  .handle((value, error) -> error)
                  .get(WAIT.toMillis(), MILLISECONDS));
    } catch (Throwable t) {
      thrown = t;
    }
    CallState after = call == null ? null : CallState.of(call);
    return new Observed(variant, thrown, call, before, after, null, null);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Checks that every CompletionException observed is caused by an InterruptedException. */
  private static List<Observed> causedByInterrupts(List<Observed> seen) {
    for (Observed o : seen) {
      if (o.thrown() instanceof CompletionException) {
        assertInstanceOf(
            InterruptedException.class,
            o.thrown().getCause(),
            o.variant() + ": " + describe(o.thrown()));
      }
    }
    return seen;
  }

  private static boolean isBlocked(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  // ------------------------------------------------------------------ the fixture

  /**
   * What one scenario made, undone after the row is checked: latches released and futures completed
   * first (so blocked bodies return), then calls cancelled, services drained, portals shut down and
   * awaited, threads joined.
   */
  static final class Fixture implements AutoCloseable {
    private static final AtomicInteger KEYS = new AtomicInteger();

    final Row row;
    private final List<CountDownLatch> latches = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<?>> futures = new CopyOnWriteArrayList<>();
    private final List<Call<?>> calls = new CopyOnWriteArrayList<>();
    private final List<AbstractQueueService> services = new CopyOnWriteArrayList<>();
    private final List<WorkerPortal> portals = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Fixture(Row row) {
      this.row = row;
    }

    <P extends WorkerPortal> P track(P portal) {
      portals.add(portal);
      return portal;
    }

    <T> Call<T> track(Call<T> call) {
      calls.add(call);
      return call;
    }

    WorkerPortal worker() {
      return track(Portals.newWorkerThread());
    }

    WorkerPortal worker(PortalOptions options) {
      return track(Portals.newWorkerThread(options));
    }

    LoopPortal loop() {
      return track(Portals.newEventLoopThread());
    }

    LoopPortal loop(PortalOptions options) {
      return track(Portals.newEventLoopThread(options));
    }

    /** A latch counted down at clean-up. */
    CountDownLatch latch() {
      CountDownLatch latch = new CountDownLatch(1);
      latches.add(latch);
      return latch;
    }

    /** A future completed (with null) at clean-up. */
    <T> CompletableFuture<T> pending() {
      CompletableFuture<T> future = new CompletableFuture<>();
      futures.add(future);
      return future;
    }

    /** A call that returns its name at once. */
    Call<String> quick(String name) {
      return track(Call.of(name, () -> name));
    }

    /** A call whose body waits until clean-up releases it (or it is cancelled). */
    Call<String> blocking(String name) {
      return track(Call.of(name, body(name, new CountDownLatch(0), latch())));
    }

    /** Submits a call that waits until clean-up releases it, once its body is running. */
    Call<String> runningOn(Portal portal, String name) throws InterruptedException {
      CountDownLatch started = new CountDownLatch(1);
      Call<String> call = track(Call.of(name, body(name, started, latch())));
      portal.submit(call);
      CallTestSupport.await(started, name + " to start");
      return call;
    }

    private static Callable<String> body(
        String name, CountDownLatch started, CountDownLatch release) {
      return () -> {
        started.countDown();
        if (!release.await(3 * WAIT.toMillis(), MILLISECONDS)) {
          throw new IllegalStateException(name + " was never released");
        }
        return name;
      };
    }

    Thread thread(String name, Runnable body) {
      Thread thread = new Thread(body, "errors-table-" + row.id() + "-" + name);
      threads.add(thread);
      thread.start();
      return thread;
    }

    /** Runs {@code body} on a new thread and returns what it observed. */
    Observed onNewThread(String name, Callable<Observed> body) throws Exception {
      CompletableFuture<Observed> seen = new CompletableFuture<>();
      thread(
          name,
          () -> {
            try {
              seen.complete(body.call());
            } catch (Throwable t) {
              seen.completeExceptionally(t);
            }
          });
      return seen.get(WAIT.toMillis(), MILLISECONDS);
    }

    /**
     * Runs {@code wait} on a new thread and interrupts that thread once it blocks (or sets its flag
     * first); checks that the flag is still set afterwards.
     */
    Observed interrupting(String variant, Call<?> call, boolean flagAlreadySet, Action wait)
        throws Exception {
      CompletableFuture<Observed> seen = new CompletableFuture<>();
      AtomicBoolean flagAfter = new AtomicBoolean();
      Thread waiter =
          thread(
              "interrupted",
              () -> {
                if (flagAlreadySet) {
                  Thread.currentThread().interrupt();
                }
                Observed o = attempt(variant, call, wait);
                flagAfter.set(Thread.interrupted());
                seen.complete(o);
              });
      if (!flagAlreadySet) {
        awaitCondition(() -> seen.isDone() || isBlocked(waiter), variant + ": to block");
        waiter.interrupt();
      }
      Observed o = seen.get(WAIT.toMillis(), MILLISECONDS);
      CallTestSupport.join(waiter);
      assertTrue(flagAfter.get(), variant + ": the interrupt flag was not left set");
      return o;
    }

    /** A fresh key, so that each scenario gets its own service instances. */
    String key() {
      return row.id() + "-" + KEYS.incrementAndGet();
    }

    /** The running service of {@code type} under a fresh key, drained at clean-up. */
    <S extends AbstractQueueService> S service(Class<S> type, Supplier<? extends S> factory) {
      return track(AbstractQueueService.instance(type, key(), factory));
    }

    <S extends AbstractQueueService> S track(S service) {
      services.add(service);
      return service;
    }

    @Override
    public void close() throws Exception {
      List<Throwable> problems = new ArrayList<>();
      Thread.interrupted(); // a scenario's interrupt must not reach the clean-up
      latches.forEach(CountDownLatch::countDown);
      futures.forEach(future -> future.complete(null));
      for (Call<?> call : calls) {
        try {
          call.cancel();
        } catch (Throwable t) {
          problems.add(t);
        }
      }
      for (AbstractQueueService service : services) {
        try {
          if (!service.drain(WAIT)) {
            problems.add(new AssertionError(service + " did not drain"));
          }
        } catch (Throwable t) {
          problems.add(t);
        }
      }
      for (WorkerPortal portal : portals) {
        portal.shutdown();
      }
      for (WorkerPortal portal : portals) {
        if (!portal.awaitTermination(WAIT)) {
          problems.add(new AssertionError(portal + " did not terminate"));
        }
      }
      for (Thread thread : threads) {
        thread.join(WAIT.toMillis());
        if (thread.isAlive()) {
          problems.add(new AssertionError(thread.getName() + " did not end"));
        }
      }
      if (!problems.isEmpty()) {
        AssertionError error = new AssertionError("clean-up of " + row.id() + ": " + problems);
        problems.forEach(error::addSuppressed);
        throw error;
      }
    }
  }

  // ------------------------------------------------------------------ services for the scenarios

  /** A queue service whose handler, bound, preparation and start-up a scenario chooses. */
  static class Svc extends QueueService<String> {
    private final Function<String, CompletionStage<?>> handler;
    private int bound;
    private UnaryOperator<String> preparer = UnaryOperator.identity();
    private Callable<CompletionStage<?>> start = () -> null;

    Svc() {
      this(item -> null);
    }

    Svc(Function<String, CompletionStage<?>> handler) {
      this.handler = handler;
    }

    Svc bound(int bound) {
      this.bound = bound;
      return this;
    }

    Svc preparing(UnaryOperator<String> preparer) {
      this.preparer = preparer;
      return this;
    }

    Svc startingWith(Callable<CompletionStage<?>> start) {
      this.start = start;
      return this;
    }

    @Override
    protected CompletionStage<?> handle(String item) {
      return handler.apply(item);
    }

    @Override
    protected int maxQueueSize() {
      return bound;
    }

    @Override
    protected String prepare(String item) {
      return preparer.apply(item);
    }

    @Override
    protected CompletionStage<?> onStart() throws Exception {
      return start.call();
    }
  }

  /** Another service class, for a factory that returns the wrong one. */
  static final class OtherSvc extends QueueService<String> {
    @Override
    protected CompletionStage<?> handle(String item) {
      return null;
    }
  }

  /** A batched service with the configuration a scenario chooses. */
  static final class BatchSvc extends BatchedQueueService<String> {
    private final int maxBatch;
    private final Duration interval;

    BatchSvc(int maxBatch, Duration interval) {
      this.maxBatch = maxBatch;
      this.interval = interval;
    }

    @Override
    protected CompletionStage<?> handleBatch(List<String> batch) {
      return null;
    }

    @Override
    protected int maxBatchSize() {
      return maxBatch;
    }

    @Override
    protected Duration minInterval() {
      return interval;
    }
  }

  /** A future service whose acquisition and preparation a scenario chooses. */
  static final class FutureSvc extends FutureQueueService<String, String> {
    private final Function<String, CompletionStage<String>> acquirer;
    private UnaryOperator<String> preparer = UnaryOperator.identity();

    FutureSvc() {
      this(CompletableFuture::completedFuture);
    }

    FutureSvc(Function<String, CompletionStage<String>> acquirer) {
      this.acquirer = acquirer;
    }

    FutureSvc preparing(UnaryOperator<String> preparer) {
      this.preparer = preparer;
      return this;
    }

    @Override
    protected CompletionStage<String> acquire(String arg) {
      return acquirer.apply(arg);
    }

    @Override
    protected String prepare(String arg) {
      return preparer.apply(arg);
    }
  }

  // ------------------------------------------------------------------ backends for the scenarios

  /** A backend of both kinds whose portals come from the given suppliers. */
  static final class TestProvider implements PortalProvider {
    private final String name;
    private final Supplier<WorkerPortal> workers;
    private final Supplier<LoopPortal> loops;

    TestProvider(String name, Supplier<WorkerPortal> workers, Supplier<LoopPortal> loops) {
      this.name = name;
      this.workers = workers;
      this.loops = loops;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return 1000;
    }

    @Override
    public Set<PortalKind> kinds() {
      return EnumSet.of(PortalKind.WORKER, PortalKind.LOOP);
    }

    @Override
    public WorkerPortal newWorker(PortalOptions options) {
      return workers.get();
    }

    @Override
    public LoopPortal newLoop(PortalOptions options) {
      return loops.get();
    }
  }

  /** A runtime of its own with the given backends and system properties. */
  private static CoreRuntime runtime(
      Function<String, String> properties, PortalProvider... providers) {
    return new CoreRuntime(new Backends(() -> List.of(providers).iterator(), properties));
  }

  private static Function<String, String> property(String key, String value) {
    return name -> name.equals(key) ? value : null;
  }

  // ------------------------------------------------------------------ scenarios: arguments

  private static List<Observed> nullFunction(Fixture f) {
    WorkerPortal worker = f.worker();
    List<Observed> seen =
        List.of(
            attempt("Call.of(fn)", () -> Call.of((Callable<Object>) null)),
            attempt("Call.of(name, fn)", () -> Call.of("named", (Callable<Object>) null)),
            attempt(
                "Call.ofAsync(fn)", () -> Call.ofAsync((Callable<CompletionStage<Object>>) null)),
            attempt(
                "Call.ofAsync(name, fn)",
                () -> Call.ofAsync("named", (Callable<CompletionStage<Object>>) null)),
            attempt("Call.shield(fn)", () -> Call.shield(null)),
            attempt("Portal.submit(Callable)", () -> worker.submit((Callable<Object>) null)),
            attempt(
                "FromSync.callInNewThread(fn)",
                () -> FromSync.callInNewThread((Callable<Object>) null)),
            attempt(
                "FromSync.callIn(portal, fn)",
                () -> FromSync.callIn(worker, (Callable<Object>) null)),
            attempt(
                "FromAsync.callInLoopThread(fn)",
                () -> FromAsync.callInLoopThread((Callable<Object>) null)),
            attempt(
                "FromAsync.callSoonInNewThread(fn)",
                () -> FromAsync.callSoonInNewThread((Callable<Object>) null)));
    assertFalse(worker.isRunning(), "a refused submit started the worker");
    return seen;
  }

  private static List<Observed> nullName(Fixture f) {
    return List.of(
        attempt("Call.of(name, fn)", () -> Call.of((String) null, () -> 1)),
        attempt(
            "Call.ofAsync(name, fn)",
            () -> Call.ofAsync((String) null, () -> CompletableFuture.completedFuture(1))),
        attempt("ContextKey.named", () -> ContextKey.named(null)));
  }

  private static List<Observed> nullCall(Fixture f) {
    WorkerPortal worker = f.worker();
    LoopPortal loop = f.loop();
    List<Observed> seen =
        List.of(
            attempt("WorkerPortal.submit(call)", () -> worker.submit((Call<Object>) null)),
            attempt("LoopPortal.submit(call)", () -> loop.submit((Call<Object>) null)),
            attempt("LoopPortal.addShutdownCall", () -> loop.addShutdownCall(null)),
            attempt("Waiters.sync", () -> Waiters.sync(null)),
            attempt("Waiters.async", () -> Waiters.async(null)),
            attempt("Waiters.of", () -> Waiters.of(null)),
            attempt(
                "FromSync.callInNewThread(call)",
                () -> FromSync.callInNewThread((Call<Object>) null)),
            attempt(
                "FromSync.callInLoopThread(call, timeout)",
                () -> FromSync.callInLoopThread((Call<Object>) null, WAIT)),
            attempt(
                "FromSync.callSoonInNewThread(call)",
                () -> FromSync.callSoonInNewThread((Call<Object>) null)),
            attempt(
                "FromSync.waitForCallIn(portal, call, timeout, doneCallbacks)",
                () -> FromSync.waitForCallIn(worker, (Call<Object>) null, null, List.of())),
            attempt(
                "FromAsync.callInNewThread(call)",
                () -> FromAsync.callInNewThread((Call<Object>) null)),
            attempt(
                "FromAsync.callSoonInLoopThread(call)",
                () -> FromAsync.callSoonInLoopThread((Call<Object>) null)),
            attempt(
                "FromAsync.callIn(portal, call)",
                () -> FromAsync.callIn(worker, (Call<Object>) null)));
    assertFalse(worker.isRunning(), "a refused submit started the worker");
    assertFalse(loop.isRunning(), "a refused submit started the loop");
    return seen;
  }

  private static List<Observed> nullPortal(Fixture f) {
    Call<String> call = f.quick("unsubmitted");
    return List.of(
        attempt("Call.setRunner(null)", call, () -> call.setRunner(null)),
        attempt("FromSync.callIn(null, call)", call, () -> FromSync.callIn((Portal) null, call)),
        attempt(
            "FromSync.waitForCallIn(null, call, timeout, doneCallbacks)",
            call,
            () -> FromSync.waitForCallIn(null, call, WAIT, List.of())),
        attempt(
            "FromAsync.callIn(null, call, timeout)",
            call,
            () -> FromAsync.callIn((Portal) null, call, WAIT)),
        attempt(
            "FromAsync.waitForCallIn(null, call, timeout, doneCallbacks)",
            call,
            () -> FromAsync.waitForCallIn(null, call, WAIT, List.of())));
  }

  private static List<Observed> nullCallback(Fixture f) {
    Call<String> call = f.quick("watched");
    SyncWaiter<String> waiter = Waiters.sync(call); // deregistered when clean-up cancels the call
    return List.of(
        attempt("Call.addCancelCallback(null)", call, () -> call.addCancelCallback(null)),
        attempt("Call.addDoneCallback(null)", call, () -> call.addDoneCallback(null)),
        attempt("Waiter.submit(null)", call, () -> waiter.submit((Call<Object>) null)),
        attempt("Waiter.addDoneCallback(null)", call, () -> waiter.addDoneCallback(null)));
  }

  private static List<Observed> nullCause(Fixture f) throws Exception {
    Call<String> pending = f.quick("pending");
    Call<String> running = f.runningOn(f.worker(), "running");
    return List.of(
        attempt("cancel(null), pending", pending, () -> pending.cancel((Throwable) null)),
        attempt("cancel(null), running", running, () -> running.cancel((Throwable) null)));
  }

  private static List<Observed> nullPatience(Fixture f) throws Exception {
    Call<String> running = f.runningOn(f.worker(), "running");
    Call<String> done = f.quick("done");
    done.run();
    return List.of(
        attempt("result(null), running", running, () -> running.result(null)),
        attempt("result(null), done", done, () -> done.result(null)));
  }

  private static List<Observed> nullTimeoutOfAWait(Fixture f) {
    WorkerPortal worker = f.worker();
    Svc service = f.service(Svc.class, Svc::new);
    return List.of(
        attempt("WorkerPortal.awaitTermination(null)", () -> worker.awaitTermination(null)),
        attempt("Portals.waitForGlobalLoopExit(null)", () -> Portals.waitForGlobalLoopExit(null)),
        attempt("drain(null)", () -> service.drain(null)),
        attempt("waitUntilEmpty(null)", () -> service.waitUntilEmpty(null)),
        attempt("QueueService.drainAll(type, null)", () -> QueueService.drainAll(Svc.class, null)));
  }

  private static List<Observed> nullOptions(Fixture f) {
    return List.of(
        attempt("Portals.newWorkerThread(null)", () -> Portals.newWorkerThread(null)),
        attempt("Portals.newEventLoopThread(null)", () -> Portals.newEventLoopThread(null)));
  }

  private static List<Observed> nullTask(Fixture f) {
    LoopPortal loop = f.loop();
    return List.of(attempt("LoopPortal.execute(null)", () -> loop.execute(null)));
  }

  private static List<Observed> nullThread(Fixture f) {
    return List.of(attempt("Waiters.forThread(null)", () -> Waiters.forThread(null)));
  }

  private static List<Observed> nullDoneCallbacks(Fixture f) {
    WorkerPortal worker = f.worker();
    List<Observed> seen = new ArrayList<>();
    Call<String> a = f.quick("a");
    seen.add(
        attempt(
            "FromSync.waitForCallInNewThread(call, timeout, null)",
            a,
            () -> FromSync.waitForCallInNewThread(a, WAIT, (Collection<Call<?>>) null)));
    Call<String> b = f.quick("b");
    seen.add(
        attempt(
            "FromSync.waitForCallInLoopThread(call, timeout, null)",
            b,
            () -> FromSync.waitForCallInLoopThread(b, WAIT, (Collection<Call<?>>) null)));
    Call<String> c = f.quick("c");
    seen.add(
        attempt(
            "FromSync.waitForCallIn(portal, call, timeout, null)",
            c,
            () -> FromSync.waitForCallIn(worker, c, WAIT, (Collection<Call<?>>) null)));
    Call<String> d = f.quick("d");
    seen.add(
        attempt(
            "FromAsync.waitForCallInNewThread(call, timeout, null)",
            d,
            () -> FromAsync.waitForCallInNewThread(d, WAIT, (Collection<Call<?>>) null)));
    Call<String> e = f.quick("e");
    List<Call<?>> withNull = Arrays.asList(f.quick("done-callback-e"), null);
    seen.add(
        attempt(
            "FromSync.waitForCallInNewThread(call, timeout, [callback, null])",
            e,
            () -> FromSync.waitForCallInNewThread(e, WAIT, withNull)));
    Call<String> g = f.quick("g");
    List<Call<?>> alsoWithNull = Arrays.asList(f.quick("done-callback-g"), null);
    seen.add(
        attempt(
            "FromAsync.waitForCallIn(portal, call, timeout, [callback, null])",
            g,
            () -> FromAsync.waitForCallIn(worker, g, WAIT, alsoWithNull)));
    assertFalse(worker.isRunning(), "a refused submit started the worker");
    return seen;
  }

  private static List<Observed> nullServiceType(Fixture f) {
    return List.of(
        attempt(
            "QueueService.instance(null, factory)",
            () -> QueueService.instance((Class<Svc>) null, Svc::new)),
        attempt(
            "QueueService.instance(null, key, factory)",
            () -> QueueService.instance((Class<Svc>) null, f.key(), Svc::new)),
        attempt("QueueService.drainAll(null, timeout)", () -> QueueService.drainAll(null, WAIT)));
  }

  private static List<Observed> nullFactory(Fixture f) {
    return List.of(
        attempt(
            "QueueService.instance(type, null)",
            () -> QueueService.instance(Svc.class, (Supplier<Svc>) null)),
        attempt(
            "QueueService.instance(type, key, null)",
            () -> QueueService.instance(Svc.class, f.key(), (Supplier<Svc>) null)));
  }

  private static List<Observed> nullItem(Fixture f) {
    Svc running = f.service(Svc.class, Svc::new);
    return List.of(
        attempt("send(null), running service", () -> running.send(null)),
        attempt("send(null), service never started", () -> new Svc().send(null)));
  }

  private static List<Observed> nullRequest(Fixture f) {
    FutureSvc running = f.service(FutureSvc.class, FutureSvc::new);
    return List.of(
        attempt("send(null), running service", () -> running.send(null)),
        attempt("send(null), service never started", () -> new FutureSvc().send(null)));
  }

  // ------------------------------------------------------------------ scenarios: durations

  private static List<Observed> negativeTimeout(Fixture f) {
    WorkerPortal worker = f.worker();
    Call<String> a = f.quick("a");
    a.setTimeout(Duration.ofSeconds(5));
    Call<String> b = f.quick("b");
    Call<String> c = f.quick("c");
    Call<String> d = f.quick("d");
    Call<String> e = f.quick("e");
    Call<String> g = f.quick("g");
    List<Observed> seen =
        List.of(
            attempt("Call.setTimeout(-1s)", a, () -> a.setTimeout(NEGATIVE)),
            attempt(
                "FromSync.callInNewThread(call, -1s)",
                b,
                () -> FromSync.callInNewThread(b, NEGATIVE)),
            attempt(
                "FromSync.callIn(portal, call, -1s)",
                c,
                () -> FromSync.callIn(worker, c, NEGATIVE)),
            attempt(
                "FromSync.callSoonInLoopThread(call, -1s)",
                d,
                () -> FromSync.callSoonInLoopThread(d, NEGATIVE)),
            attempt(
                "FromAsync.callInNewThread(call, -1s)",
                e,
                () -> FromAsync.callInNewThread(e, NEGATIVE)),
            attempt(
                "FromAsync.callSoonInNewThread(call, -1s)",
                g,
                () -> FromAsync.callSoonInNewThread(g, NEGATIVE)));
    assertFalse(worker.isRunning(), "a refused call started the worker");
    return seen;
  }

  private static List<Observed> zeroTimeout(Fixture f) {
    AtomicInteger ran = new AtomicInteger();
    Function<String, Call<String>> call =
        name ->
            f.track(
                Call.of(
                    name,
                    () -> {
                      ran.incrementAndGet();
                      return name;
                    }));
    WorkerPortal worker = f.worker();
    Call<String> a = call.apply("a");
    Call<String> b = call.apply("b");
    Call<String> c = call.apply("c");
    Call<String> d = call.apply("d");
    Call<String> e = call.apply("e");
    List<Observed> seen =
        List.of(
            attempt(
                "Call.setTimeout(ZERO), submit, result()",
                a,
                () -> {
                  a.setTimeout(Duration.ZERO);
                  worker.submit(a);
                  a.result(WAIT);
                }),
            attempt(
                "FromSync.callInNewThread(call, ZERO)",
                b,
                () -> FromSync.callInNewThread(b, Duration.ZERO)),
            attempt(
                "FromSync.callIn(portal, call, ZERO)",
                c,
                () -> FromSync.callIn(worker, c, Duration.ZERO)),
            attempt(
                "FromSync.callInLoopThread(call, ZERO)",
                d,
                () -> FromSync.callInLoopThread(d, Duration.ZERO)),
            attemptAsync(
                "FromAsync.callInNewThread(call, ZERO)",
                e,
                () -> FromAsync.callInNewThread(e, Duration.ZERO)));
    assertEquals(0, ran.get(), "a call with a zero timeout ran its function");
    return seen;
  }

  private static List<Observed> hugeTimeout(Fixture f) {
    WorkerPortal worker = f.worker();
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    Call<String> c = f.quick("c");
    Call<String> d = f.quick("d");
    Call<String> e = f.quick("e");
    return List.of(
        attempt(
            "Call.setTimeout(FOREVER), submit, result()",
            a,
            () -> {
              a.setTimeout(FOREVER);
              worker.submit(a);
              assertEquals("a", a.result(WAIT));
            }),
        attempt(
            "Call.setTimeout(Long.MAX_VALUE seconds), run()",
            b,
            () -> {
              b.setTimeout(Duration.ofSeconds(Long.MAX_VALUE));
              b.run();
              assertEquals("b", b.result(WAIT));
            }),
        attempt(
            "FromSync.callInNewThread(call, FOREVER)",
            c,
            () -> assertEquals("c", FromSync.callInNewThread(c, FOREVER))),
        attempt(
            "FromSync.callInLoopThread(call, FOREVER)",
            d,
            () -> assertEquals("d", FromSync.callInLoopThread(d, FOREVER))),
        attemptAsync(
            "FromAsync.callInNewThread(call, FOREVER)",
            e,
            () -> FromAsync.callInNewThread(e, FOREVER)));
  }

  private static List<Observed> noPatienceForAResult(Fixture f) throws Exception {
    Call<String> running = f.runningOn(f.worker(), "still-running");
    Call<String> pending = f.quick("never-submitted");
    return List.of(
        attempt("result(ZERO), running", running, () -> running.result(Duration.ZERO)),
        attempt("result(-1s), running", running, () -> running.result(NEGATIVE)),
        attempt("result(ZERO), pending", pending, () -> pending.result(Duration.ZERO)),
        attempt("result(-1s), pending", pending, () -> pending.result(NEGATIVE)));
  }

  private static List<Observed> hugePatienceForAResult(Fixture f) {
    WorkerPortal worker = f.worker();
    Thread waiting = Thread.currentThread();
    Function<String, Call<String>> finishingOnceWaitedFor =
        name ->
            f.track(
                Call.of(
                    name,
                    () -> {
                      long end = System.nanoTime() + WAIT.toNanos();
                      while (!isBlocked(waiting) && System.nanoTime() - end < 0) {
                        LockSupport.parkNanos(MILLISECONDS.toNanos(1)); // polling a state
                      }
                      return name;
                    }));
    Call<String> a = finishingOnceWaitedFor.apply("a");
    Call<String> b = finishingOnceWaitedFor.apply("b");
    return List.of(
        attempt(
            "result(FOREVER)",
            a,
            () -> {
              worker.submit(a);
              assertEquals("a", a.result(FOREVER));
            }),
        attempt(
            "result(Long.MAX_VALUE seconds)",
            b,
            () -> {
              worker.submit(b);
              assertEquals("b", b.result(Duration.ofSeconds(Long.MAX_VALUE)));
            }));
  }

  private static List<Observed> noPatienceForTermination(Fixture f) throws Exception {
    WorkerPortal worker = f.worker();
    f.runningOn(worker, "keeps-it-busy");
    Portals.globalLoop();
    return List.of(
        attempt(
            "awaitTermination(ZERO)", () -> assertFalse(worker.awaitTermination(Duration.ZERO))),
        attempt("awaitTermination(-1s)", () -> assertFalse(worker.awaitTermination(NEGATIVE))),
        attempt("waitForGlobalLoopExit(ZERO)", () -> Portals.waitForGlobalLoopExit(Duration.ZERO)),
        attempt("waitForGlobalLoopExit(-1s)", () -> Portals.waitForGlobalLoopExit(NEGATIVE)));
  }

  private static List<Observed> hugePatienceForTermination(Fixture f) {
    WorkerPortal worker = f.worker();
    worker.submit(f.quick("last"));
    worker.shutdown();
    Portals.globalLoop();
    return List.of(
        attempt("awaitTermination(FOREVER)", () -> assertTrue(worker.awaitTermination(FOREVER))),
        attempt("waitForGlobalLoopExit(FOREVER)", () -> Portals.waitForGlobalLoopExit(FOREVER)));
  }

  private static List<Observed> noPatienceForServices(Fixture f) {
    CompletableFuture<Object> gate = f.pending();
    Svc held = f.service(Svc.class, () -> new Svc(item -> gate));
    held.send("held");
    return List.of(
        attempt("waitUntilEmpty(ZERO)", () -> assertFalse(held.waitUntilEmpty(Duration.ZERO))),
        attempt("waitUntilEmpty(-1s)", () -> assertFalse(held.waitUntilEmpty(NEGATIVE))),
        attempt(
            "QueueService.drainAll(type, ZERO)",
            () -> assertFalse(QueueService.drainAll(Svc.class, Duration.ZERO))),
        attempt(
            "QueueService.drainAll(type, -1s)",
            () -> assertFalse(QueueService.drainAll(Svc.class, NEGATIVE))),
        attempt("drain(ZERO)", () -> assertFalse(held.drain(Duration.ZERO))),
        attempt("drain(-1s)", () -> assertFalse(held.drain(NEGATIVE))));
  }

  private static List<Observed> hugePatienceForServices(Fixture f) {
    Svc a = f.service(Svc.class, Svc::new);
    a.send("a");
    Svc b = f.service(Svc.class, Svc::new);
    b.send("b");
    return List.of(
        attempt("waitUntilEmpty(FOREVER)", () -> assertTrue(a.waitUntilEmpty(FOREVER))),
        attempt("drain(FOREVER)", () -> assertTrue(a.drain(FOREVER))),
        attempt(
            "QueueService.drainAll(type, FOREVER)",
            () -> assertTrue(QueueService.drainAll(Svc.class, FOREVER))));
  }

  // ------------------------------------------------------------------ scenarios: calls

  private static List<Observed> timeoutAfterStart(Fixture f) throws Exception {
    Call<String> running = f.runningOn(f.worker(), "started");
    Call<String> done = f.quick("finished");
    done.run();
    return List.of(
        attempt("running call", running, () -> running.setTimeout(WAIT)),
        attempt("done call", done, () -> done.setTimeout(WAIT)));
  }

  private static List<Observed> alreadyHasARunner(Fixture f) throws Exception {
    WorkerPortal first = f.worker();
    WorkerPortal second = f.worker();
    LoopPortal loop = f.loop();
    Call<String> taken = f.runningOn(first, "taken");
    SyncWaiter<String> waiter = Waiters.sync(f.quick("waited-for"));
    List<Observed> seen =
        List.of(
            attempt("Call.setRunner twice", taken, () -> taken.setRunner(second)),
            attempt("submit to another worker", taken, () -> second.submit(taken)),
            attempt("submit to the same worker again", taken, () -> first.submit(taken)),
            attempt("submit to a loop", taken, () -> loop.submit(taken)),
            attempt("LoopPortal.addShutdownCall", taken, () -> loop.addShutdownCall(taken)),
            attempt("Waiter.submit", taken, () -> waiter.submit(taken)),
            attempt("Waiter.addDoneCallback", taken, () -> waiter.addDoneCallback(taken)),
            attempt("FromSync.callInNewThread", taken, () -> FromSync.callInNewThread(taken)),
            attempt("FromSync.callIn(other portal)", taken, () -> FromSync.callIn(second, taken)),
            attempt("FromAsync.callInNewThread", taken, () -> FromAsync.callInNewThread(taken)),
            attempt(
                "FromAsync.callSoonInLoopThread",
                taken,
                () -> FromAsync.callSoonInLoopThread(taken)));
    assertFalse(second.isRunning(), "a refused submit started the other worker");
    assertFalse(loop.isRunning(), "a refused submit started the loop");
    return seen;
  }

  private static List<Observed> runWhileRunning(Fixture f) throws Exception {
    Call<String> running = f.runningOn(f.worker(), "running");
    LoopPortal loop = f.loop();
    Call<Object> inFlight = f.track(Call.ofAsync("in-flight", () -> f.pending()));
    loop.submit(inFlight);
    awaitCondition(inFlight::isRunning, "the async call to be in flight");
    return List.of(
        attempt("sync call on a worker", running, running::run),
        attempt("async call in flight on a loop", inFlight, inFlight::run));
  }

  private static List<Observed> runWhenDone(Fixture f) {
    AtomicInteger runs = new AtomicInteger();
    Call<String> done = f.track(Call.of("ran-once", () -> "run " + runs.incrementAndGet()));
    done.run();
    Call<String> cancelled = f.track(Call.of("cancelled", () -> "run " + runs.incrementAndGet()));
    cancelled.cancel();
    List<Observed> seen =
        List.of(
            attempt(
                "run() again",
                done,
                () -> assertTrue(done.run().toCompletableFuture().isDone(), "stage not done")),
            attempt(
                "run() of a cancelled call",
                cancelled,
                () -> assertTrue(cancelled.run().toCompletableFuture().isDone(), "not done")));
    assertEquals(1, runs.get(), "a function ran again");
    assertEquals("run 1", done.result());
    return seen;
  }

  private static List<Observed> resultOfACancelledCall(Fixture f) throws Exception {
    Call<String> pending = f.quick("cancelled-before-it-ran");
    pending.cancel();
    Call<String> running = f.runningOn(f.worker(), "cancelled-while-running");
    running.cancel();
    List<Observed> seen = new ArrayList<>();
    for (Call<String> call : List.of(pending, running)) {
      String name = call.name() + ": ";
      seen.add(attempt(name + "result()", call, call::result));
      seen.add(attempt(name + "result(Duration)", call, () -> call.result(WAIT)));
    }
    return seen;
  }

  private static List<Observed> resultOfATimedOutCall(Fixture f) {
    Call<String> call = f.blocking("times-out");
    call.setTimeout(Duration.ofMillis(50));
    f.worker().submit(call);
    awaitDone(call, "the call to time out");
    return List.of(
        attempt("result()", call, call::result),
        attempt("result(Duration)", call, () -> call.result(WAIT)));
  }

  private static List<Observed> outOfPatience(Fixture f) throws Exception {
    Call<String> running = f.runningOn(f.worker(), "slow-call");
    Call<String> pending = f.quick("nobody-runs-it");
    List<Observed> seen =
        List.of(
            attempt(
                "result(100ms), running", running, () -> running.result(Duration.ofMillis(100))),
            attempt(
                "result(100ms), pending", pending, () -> pending.result(Duration.ofMillis(100))),
            attempt(
                "toCompletableFuture().get(100, MILLISECONDS), running",
                running,
                () -> running.toCompletableFuture().get(100, MILLISECONDS)));
    for (Observed o : seen) {
      if (o.thrown() != null) {
        assertTrue(
            String.valueOf(o.thrown().getMessage()).contains(o.call().name()),
            o.variant() + ": the message does not name the call: " + o.thrown());
      }
    }
    return seen;
  }

  private static List<Observed> completeTheViewByHand(Fixture f) {
    Call<String> call = f.quick("view-only");
    CompletableFuture<String> view = call.toCompletableFuture();
    return List.of(
        attempt("complete", call, () -> view.complete("forged")),
        attempt(
            "completeExceptionally",
            call,
            () -> view.completeExceptionally(new IllegalStateException("forged"))),
        attempt("obtrudeValue", call, () -> view.obtrudeValue("forged")),
        attempt(
            "obtrudeException",
            call,
            () -> view.obtrudeException(new IllegalStateException("forged"))),
        attempt("completeAsync(supplier)", call, () -> view.completeAsync(() -> "forged")),
        attempt(
            "completeAsync(supplier, executor)",
            call,
            () -> view.completeAsync(() -> "forged", Runnable::run)));
  }

  private static List<Observed> asyncFunctionReturnsNull(Fixture f) {
    WorkerPortal worker = f.worker();
    Call<Object> onWorker = f.track(Call.ofAsync("returns-null", () -> null));
    worker.submit(onWorker);
    Call<Object> run = f.track(Call.ofAsync("returns-null-run-here", () -> null));
    run.run();
    return List.of(
        attempt("on a worker, result()", onWorker, () -> onWorker.result(WAIT)),
        attempt("run here, result()", run, run::result));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Observed> asyncFunctionReturnsSomethingElse(Fixture f) {
    Callable<CompletionStage<Object>> notAStage = (Callable) () -> "not a stage";
    Call<Object> call = f.track(Call.ofAsync("returns-a-string", notAStage));
    f.worker().submit(call);
    return List.of(attempt("result()", call, () -> call.result(WAIT)));
  }

  private static List<Observed> interruptedResult(Fixture f) throws Exception {
    Call<String> call = f.runningOn(f.worker(), "awaited");
    return causedByInterrupts(
        List.of(
            f.interrupting("result()", call, false, call::result),
            f.interrupting("result(Duration)", call, false, () -> call.result(WAIT))));
  }

  private static List<Observed> resultWithTheFlagSet(Fixture f) throws Exception {
    Call<String> call = f.runningOn(f.worker(), "awaited");
    return causedByInterrupts(
        List.of(
            f.interrupting("result()", call, true, call::result),
            f.interrupting("result(Duration)", call, true, () -> call.result(WAIT))));
  }

  // ------------------------------------------------------------------ scenarios: portals

  private static final PortalOptions RUN_ONCE = PortalOptions.builder().runOnce(true).build();

  private static List<Observed> secondSubmitToARunOnceWorker(Fixture f) throws Exception {
    return secondSubmitToARunOncePortal(f, f.worker(RUN_ONCE));
  }

  private static List<Observed> secondSubmitToARunOnceLoop(Fixture f) throws Exception {
    return secondSubmitToARunOncePortal(f, f.loop(RUN_ONCE));
  }

  private static List<Observed> secondSubmitToARunOncePortal(Fixture f, WorkerPortal portal)
      throws Exception {
    Call<String> first = portal.submit(f.quick("first"));
    Call<String> second = f.quick("second");
    Observed whileFirstRuns =
        attempt("while the first call runs", second, () -> portal.submit(second));
    first.result(WAIT);
    assertTrue(portal.awaitTermination(WAIT), "a run-once portal did not end after its call");
    Call<String> third = f.quick("third");
    return List.of(
        whileFirstRuns, attempt("after the portal ended", third, () -> portal.submit(third)));
  }

  private static List<Observed> submitAfterShutdown(Fixture f) throws Exception {
    WorkerPortal neverStarted = f.worker();
    neverStarted.shutdown();
    WorkerPortal busy = f.worker();
    f.runningOn(busy, "keeps-it-busy");
    busy.shutdown();
    LoopPortal loop = f.loop();
    loop.start();
    loop.shutdown();
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    Call<String> c = f.quick("c");
    Call<String> d = f.quick("d");
    Call<String> e = f.quick("e");
    return List.of(
        attempt("worker shut down before it started", a, () -> neverStarted.submit(a)),
        attempt("worker shutting down", b, () -> busy.submit(b)),
        attempt("loop", c, () -> loop.submit(c)),
        attempt("FromSync.callIn", d, () -> FromSync.callIn(busy, d)),
        attempt("FromAsync.callIn", e, () -> FromAsync.callIn(busy, e)));
  }

  private static List<Observed> startAfterShutdown(Fixture f) throws Exception {
    WorkerPortal neverStarted = f.worker();
    neverStarted.shutdown();
    WorkerPortal ended = f.worker();
    ended.submit(f.quick("done")).result(WAIT);
    ended.shutdown();
    assertTrue(ended.awaitTermination(WAIT));
    LoopPortal loop = f.loop();
    loop.shutdown();
    return List.of(
        attempt("worker shut down before it started", neverStarted::start),
        attempt("worker terminated", ended::start),
        attempt("loop shut down before it started", loop::start));
  }

  private static List<Observed> addShutdownCallAfterShutdown(Fixture f) {
    LoopPortal started = f.loop();
    started.start();
    started.shutdown();
    LoopPortal neverStarted = f.loop();
    neverStarted.shutdown();
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    return List.of(
        attempt("started loop", a, () -> started.addShutdownCall(a)),
        attempt("loop shut down before it started", b, () -> neverStarted.addShutdownCall(b)));
  }

  private static List<Observed> executeOnATerminatedLoop(Fixture f) throws Exception {
    LoopPortal neverStarted = f.loop();
    neverStarted.shutdown();
    LoopPortal ended = f.loop();
    ended.start();
    ended.shutdown();
    assertTrue(ended.awaitTermination(WAIT));
    return List.of(
        attempt("loop shut down before it started", () -> neverStarted.execute(() -> {})),
        attempt("loop terminated", () -> ended.execute(() -> {})));
  }

  private static List<Observed> interruptedWaitForGlobalLoopExit(Fixture f) throws Exception {
    LoopPortal global = f.track(Portals.globalLoop());
    CountDownLatch release = f.latch();
    global.addShutdownCall(
        Call.of("holds-the-global-loop", () -> release.await(WAIT.toMillis(), MILLISECONDS)));
    return causedByInterrupts(
        List.of(
            f.interrupting(
                "interrupted while waiting",
                null,
                false,
                () -> Portals.waitForGlobalLoopExit(WAIT)),
            f.interrupting(
                "flag already set", null, true, () -> Portals.waitForGlobalLoopExit(WAIT))));
  }

  // ------------------------------------------------------------------ scenarios: waiters

  private static List<Observed> submitToAFinishedWaiter(Fixture f) throws Exception {
    WorkerPortal worker = f.worker();
    Call<String> syncCall = f.quick("awaited");
    SyncWaiter<String> sync = Waiters.sync(syncCall);
    worker.submit(syncCall);
    sync.await();
    Call<String> asyncCall = f.quick("awaited-async");
    AsyncWaiter<String> async = Waiters.async(asyncCall);
    worker.submit(asyncCall);
    async.awaitAsync().toCompletableFuture().get(WAIT.toMillis(), MILLISECONDS);
    Call<String> neverAwaitedCall = f.quick("done-never-awaited");
    SyncWaiter<String> neverAwaited = Waiters.sync(neverAwaitedCall);
    neverAwaitedCall.run();
    Call<String> a = f.quick("late-a");
    Call<String> b = f.quick("late-b");
    Call<String> c = f.quick("late-c");
    return List.of(
        attempt("sync waiter, after await()", a, () -> sync.submit(a)),
        attempt("async waiter, after awaitAsync()", b, () -> async.submit(b)),
        attempt("sync waiter never awaited, call done", c, () -> neverAwaited.submit(c)));
  }

  private static List<Observed> doneCallbackAfterWaitingEnded(Fixture f) throws Exception {
    WorkerPortal worker = f.worker();
    Call<String> syncCall = f.quick("awaited");
    SyncWaiter<String> sync = Waiters.sync(syncCall);
    worker.submit(syncCall);
    sync.await();
    Call<String> asyncCall = f.quick("awaited-async");
    AsyncWaiter<String> async = Waiters.async(asyncCall);
    worker.submit(asyncCall);
    async.awaitAsync().toCompletableFuture().get(WAIT.toMillis(), MILLISECONDS);
    Call<String> a = f.quick("late-a");
    Call<String> b = f.quick("late-b");
    return List.of(
        attempt("sync waiter", a, () -> sync.addDoneCallback(a)),
        attempt("async waiter", b, () -> async.addDoneCallback(b)));
  }

  private static List<Observed> awaitTwice(Fixture f) {
    Call<String> call = f.quick("awaited");
    SyncWaiter<String> waiter = Waiters.sync(call);
    f.worker().submit(call);
    waiter.await();
    return List.of(attempt("await() again", waiter::await));
  }

  private static List<Observed> awaitOnAnotherThread(Fixture f) throws Exception {
    Call<String> call = f.runningOn(f.worker(), "awaited-elsewhere");
    SyncWaiter<String> waiter = Waiters.sync(call);
    return List.of(
        f.onNewThread("other", () -> attempt("await() on another thread", call, waiter::await)));
  }

  private static List<Observed> awaitAsyncTwice(Fixture f) throws Exception {
    Call<String> call = f.runningOn(f.worker(), "awaited");
    AsyncWaiter<String> waiter = Waiters.async(call);
    waiter.awaitAsync();
    return List.of(attempt("awaitAsync() again", waiter::awaitAsync));
  }

  private static List<Observed> secondWaiter(Fixture f) {
    WorkerPortal worker = f.worker();
    Call<String> call = f.quick("one-waiter-only");
    Waiters.sync(call); // deregistered when clean-up cancels the call
    List<Observed> seen =
        List.of(
            attempt("Waiters.sync again", call, () -> Waiters.sync(call)),
            attempt("Waiters.async", call, () -> Waiters.async(call)),
            attempt("FromSync.callInNewThread", call, () -> FromSync.callInNewThread(call)),
            attempt("FromSync.callIn(worker)", call, () -> FromSync.callIn(worker, call)),
            attempt("FromAsync.callInNewThread", call, () -> FromAsync.callInNewThread(call)),
            attempt("FromAsync.callInLoopThread", call, () -> FromAsync.callInLoopThread(call)));
    assertFalse(worker.isRunning(), "a refused call started the worker");
    return seen;
  }

  private static List<Observed> interruptedFromSync(Fixture f, boolean flagAlreadySet)
      throws Exception {
    WorkerPortal worker = f.worker();
    Call<String> a = f.blocking("a");
    Call<String> b = f.blocking("b");
    Call<String> c = f.blocking("c");
    return List.of(
        f.interrupting(
            "FromSync.callInNewThread", a, flagAlreadySet, () -> FromSync.callInNewThread(a)),
        f.interrupting(
            "FromSync.callIn(worker)", b, flagAlreadySet, () -> FromSync.callIn(worker, b)),
        f.interrupting(
            "SyncWaiter.await()",
            c,
            flagAlreadySet,
            () -> {
              SyncWaiter<String> waiter = Waiters.sync(c);
              worker.submit(c);
              waiter.await();
            }));
  }

  // ------------------------------------------------------------------ scenarios: deadlocks

  /** Every blocking view of {@code queued}, waited for on the thread {@code queued} needs. */
  private static List<Observed> waitsFor(String where, Call<String> queued) {
    return List.of(
        attempt(where + ": result()", queued, queued::result),
        attempt(where + ": result(Duration)", queued, () -> queued.result(WAIT)),
        attempt(where + ": get()", queued, () -> queued.toCompletableFuture().get()),
        attempt(
            where + ": get(timeout)",
            queued,
            () -> queued.toCompletableFuture().get(WAIT.toMillis(), MILLISECONDS)),
        attempt(where + ": join()", queued, () -> queued.toCompletableFuture().join()),
        attempt(
            where + ": join() of a dependent stage",
            queued,
            () -> queued.toCompletableFuture().thenApply(String::length).join()));
  }

  private static List<Observed> waitOnThePortalsOwnThread(Fixture f) throws Exception {
    WorkerPortal worker = f.worker();
    LoopPortal loop = f.loop();
    List<Observed> seen = new ArrayList<>();
    seen.addAll(
        worker
            .submit(Call.of(() -> waitsFor("worker", worker.submit(f.quick("behind-on-worker")))))
            .result(WAIT));
    seen.addAll(
        loop.submit(Call.of(() -> waitsFor("loop", loop.submit(f.quick("behind-on-loop")))))
            .result(WAIT));
    return seen;
  }

  private static List<Observed> waitOnTheLoopForAnAsyncCallInFlight(Fixture f) throws Exception {
    LoopPortal loop = f.loop();
    Call<Object> inFlight = f.track(Call.ofAsync("in-flight", () -> f.pending()));
    loop.submit(inFlight);
    return loop.submit(
            Call.of(
                () ->
                    List.of(
                        attempt("result()", inFlight, inFlight::result),
                        attempt("result(Duration)", inFlight, () -> inFlight.result(WAIT)),
                        attempt("get()", inFlight, () -> inFlight.toCompletableFuture().get()),
                        attempt("join()", inFlight, () -> inFlight.toCompletableFuture().join()))))
        .result(WAIT);
  }

  private static List<Observed> waitForTheCallYouAreIn(Fixture f) {
    Call<List<Observed>> self =
        f.track(
            Call.of(
                "waits-for-itself",
                () -> {
                  Call<?> me = Call.current().orElseThrow();
                  return List.of(
                      attempt("result()", me, me::result),
                      attempt("result(Duration)", me, () -> me.result(WAIT)),
                      attempt("join()", me, () -> me.toCompletableFuture().join()));
                }));
    self.run();
    return self.result();
  }

  private static List<Observed> waitFromTheOwnCancelCallback(Fixture f) throws Exception {
    Call<String> running = f.runningOn(f.worker(), "cancelled-while-running");
    Call<String> pending = f.quick("cancelled-while-pending");
    List<Observed> seen = new CopyOnWriteArrayList<>();
    for (Call<String> call : List.of(running, pending)) {
      call.addCancelCallback(
          () -> {
            seen.add(attempt(call.name() + ": result()", call, call::result));
            seen.add(
                attempt(call.name() + ": join()", call, () -> call.toCompletableFuture().join()));
          });
      call.cancel();
    }
    return List.copyOf(seen);
  }

  private static List<Observed> fromSyncToTheWorkerYouAreOn(Fixture f) throws Exception {
    WorkerPortal worker = f.worker();
    return worker
        .submit(
            Call.of(
                () -> {
                  Call<String> a = f.quick("inner-a");
                  Call<String> b = f.quick("inner-b");
                  return List.of(
                      attempt("FromSync.callIn", a, () -> FromSync.callIn(worker, a)),
                      attempt(
                          "FromSync.waitForCallIn",
                          b,
                          () -> FromSync.waitForCallIn(worker, b, null, List.of())));
                }))
        .result(WAIT);
  }

  private static List<Observed> fromSyncAsyncCallOnTheLoopsThread(Fixture f) throws Exception {
    LoopPortal loop = f.loop();
    List<Observed> seen = new ArrayList<>();
    seen.addAll(
        loop.submit(
                Call.of(
                    () -> {
                      Call<Object> a = f.track(Call.ofAsync("async-a", () -> f.pending()));
                      return List.of(
                          attempt(
                              "FromSync.callIn(loop) on the loop",
                              a,
                              () -> FromSync.callIn(loop, a)));
                    }))
            .result(WAIT));
    seen.addAll(
        Portals.globalLoop()
            .submit(
                Call.of(
                    () -> {
                      Call<Object> b = f.track(Call.ofAsync("async-b", () -> f.pending()));
                      return List.of(
                          attempt(
                              "FromSync.callInLoopThread on the global loop",
                              b,
                              () -> FromSync.callInLoopThread(b)));
                    }))
            .result(WAIT));
    return seen;
  }

  private static List<Observed> awaitTerminationOnTheOwnThread(Fixture f) throws Exception {
    WorkerPortal worker = f.worker();
    LoopPortal loop = f.loop();
    return List.of(
        worker
            .submit(Call.of(() -> attempt("worker", () -> worker.awaitTermination(WAIT))))
            .result(WAIT),
        loop.submit(Call.of(() -> attempt("loop", () -> loop.awaitTermination(WAIT))))
            .result(WAIT));
  }

  private static List<Observed> waitForGlobalLoopExitOnIt(Fixture f) throws Exception {
    return List.of(
        Portals.globalLoop()
            .submit(
                Call.of(
                    () -> attempt("on the global loop", () -> Portals.waitForGlobalLoopExit(WAIT))))
            .result(WAIT));
  }

  private static List<Observed> cycleOfWaits(Fixture f) {
    WorkerPortal a = f.worker(PortalOptions.builder().name("cycle-A").build());
    WorkerPortal b = f.worker(PortalOptions.builder().name("cycle-B").build());
    Call<String> queuedOnA = f.quick("queued-on-A");
    Call<String> onB = f.track(Call.of("on-B-waits-for-A", () -> a.submit(queuedOnA).result()));
    Call<String> onA = f.track(Call.of("on-A-waits-for-B", () -> b.submit(onB).result()));
    a.submit(onA);
    Observed workers = attempt("worker A waits for B, B for A", () -> onA.result(FAST));

    LoopPortal loop = f.loop(PortalOptions.builder().name("cycle-loop").build());
    Call<String> back = f.quick("back-on-the-loop");
    Call<String> onNewThread =
        f.track(Call.of("new-thread-waits-for-loop", () -> FromSync.callIn(loop, back)));
    Call<String> onLoop =
        f.track(Call.of("loop-waits-for-new-thread", () -> FromSync.callInNewThread(onNewThread)));
    loop.submit(onLoop);
    Observed loopAndThread =
        attempt("a loop waits for a new thread that waits for it", () -> onLoop.result(FAST));
    return List.of(workers, loopAndThread);
  }

  // ------------------------------------------------------------------ scenarios: backends

  private static void assertMessagesContain(List<Observed> seen, String... parts) {
    for (Observed o : seen) {
      String message = o.thrown() == null ? "" : String.valueOf(o.thrown().getMessage());
      for (String part : parts) {
        assertTrue(message.contains(part), o.variant() + ": '" + part + "' missing: " + message);
      }
    }
  }

  private static List<Observed> unknownWorkerBackend(Fixture f) {
    CoreRuntime rt = runtime(property("portal4j.worker", "nope"), new PlatformPortalProvider());
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    List<Observed> seen =
        List.of(
            attempt(
                "Portals.newWorkerThread", () -> rt.portals().newWorker(PortalOptions.defaults())),
            attempt("Portals.backends", rt.portals()::backends),
            attempt("Portals.newWorkerThread again", () -> rt.portals().newWorker(RUN_ONCE)),
            attempt(
                "FromSync.callInNewThread",
                a,
                () -> rt.router().waitForCall(rt.portals().newThreadPerCall(), a, null, List.of())),
            attempt(
                "FromAsync.callInNewThread",
                b,
                () ->
                    rt.router()
                        .waitForCallAsync(rt.portals().newThreadPerCall(), b, null, List.of())));
    assertMessagesContain(seen, "nope", PlatformPortalProvider.NAME);
    return seen;
  }

  private static List<Observed> unknownLoopBackend(Fixture f) {
    CoreRuntime rt = runtime(property("portal4j.loop", "nope"), new PlatformPortalProvider());
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    List<Observed> seen =
        List.of(
            attempt(
                "Portals.newEventLoopThread", () -> rt.portals().newLoop(PortalOptions.defaults())),
            attempt("Portals.globalLoop", rt.portals()::globalLoop),
            attempt("Portals.backends", rt.portals()::backends),
            attempt(
                "FromSync.callInLoopThread (throws before it takes the call)",
                () -> rt.router().waitForCall(rt.portals().globalLoop(), a, null, List.of())),
            attempt(
                "FromAsync.callInLoopThread (throws before it takes the call)",
                () -> rt.router().waitForCallAsync(rt.portals().globalLoop(), b, null, List.of())));
    assertMessagesContain(seen, "nope", PlatformPortalProvider.NAME);
    return seen;
  }

  private static List<Observed> backendReturnsNull(Fixture f) {
    CoreRuntime rt =
        runtime(name -> null, new TestProvider("hands-out-null", () -> null, () -> null));
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    List<Observed> seen =
        List.of(
            attempt(
                "Portals.newWorkerThread", () -> rt.portals().newWorker(PortalOptions.defaults())),
            attempt(
                "Portals.newEventLoopThread", () -> rt.portals().newLoop(PortalOptions.defaults())),
            attempt(
                "FromSync.callInNewThread",
                a,
                () -> rt.router().waitForCall(rt.portals().newThreadPerCall(), a, null, List.of())),
            attempt(
                "FromSync.callInLoopThread (throws before it takes the call)",
                () -> rt.router().waitForCall(rt.portals().globalLoop(), b, null, List.of())));
    assertMessagesContain(seen, "hands-out-null");
    return seen;
  }

  private static List<Observed> backendThrows(Fixture f) {
    IllegalArgumentException workerFailure = new IllegalArgumentException("cannot make a worker");
    IllegalStateException loopFailure = new IllegalStateException("cannot make a loop");
    CoreRuntime rt =
        runtime(
            name -> null,
            new TestProvider(
                "throws",
                () -> {
                  throw workerFailure;
                },
                () -> {
                  throw loopFailure;
                }));
    Call<String> a = f.quick("a");
    Call<String> b = f.quick("b");
    Call<String> c = f.quick("c");
    return List.of(
        attempt("Portals.newWorkerThread", () -> rt.portals().newWorker(PortalOptions.defaults()))
            .expecting(workerFailure),
        attempt(
                "FromSync.callInNewThread",
                a,
                () -> rt.router().waitForCall(rt.portals().newThreadPerCall(), a, null, List.of()))
            .expecting(workerFailure),
        attempt(
                "FromAsync.callInNewThread",
                b,
                () ->
                    rt.router()
                        .waitForCallAsync(rt.portals().newThreadPerCall(), b, null, List.of()))
            .expecting(workerFailure),
        attempt("Portals.newEventLoopThread", () -> rt.portals().newLoop(PortalOptions.defaults()))
            .expecting(loopFailure),
        attempt(
                "FromSync.callInLoopThread (throws before it takes the call)",
                () -> rt.router().waitForCall(rt.portals().globalLoop(), c, null, List.of()))
            .expecting(loopFailure));
  }

  private static List<Observed> customPortalFailsToStart(Fixture f) {
    IllegalStateException loopFailure = new IllegalStateException("no selector today");
    Supplier<LoopPortal> failingLoop =
        () ->
            f.track(
                new EventLoopPortal(PortalOptions.defaults()) {
                  @Override
                  protected void onLoopStart() {
                    throw loopFailure;
                  }
                });
    LoopPortal first = failingLoop.get();
    Call<String> shutdownCall = f.quick("shutdown-call");
    first.addShutdownCall(shutdownCall);
    Observed startedByStart =
        attempt("LoopPortal.start(), a shutdown call taken", shutdownCall, first::start)
            .expecting(loopFailure);

    LoopPortal second = failingLoop.get();
    Call<String> queuedOnLoop = second.submit(f.quick("queued-on-loop"));
    awaitDone(queuedOnLoop, "the call queued on a loop that failed to start");
    Observed startedBySubmit =
        attempt("LoopPortal.start(), a call queued", queuedOnLoop, second::start)
            .expecting(loopFailure);

    IllegalStateException workerFailure = new IllegalStateException("no thread today");
    WorkerPortal worker =
        f.track(
            new WorkerThreadPortal(PortalOptions.defaults()) {
              @Override
              protected void onStart() {
                throw workerFailure;
              }
            });
    Call<String> queuedOnWorker = worker.submit(f.quick("queued-on-worker"));
    awaitDone(queuedOnWorker, "the call queued on a worker that failed to start");
    Observed workerStart =
        attempt("WorkerPortal.start(), a call queued", queuedOnWorker, worker::start)
            .expecting(workerFailure);
    return List.of(startedByStart, startedBySubmit, workerStart);
  }

  private static List<Observed> missingCore(Fixture f) {
    Path test =
        root().resolve("concurrency-api/src/test/java/org/portal4j/MissingRuntimeTest.java");
    assertTrue(Files.isRegularFile(test), "the row points to a test that is gone: " + test);
    assertTrue(
        RuntimeBinding.MISSING.contains(f.row.fragment()),
        "the message without core no longer says '" + f.row.fragment() + "'");
    return List.of(
        Observed.pointer(
            "covered by MissingRuntimeTest (concurrency-api), whose class path has no"
                + " concurrency-core"));
  }

  // ------------------------------------------------------------------ scenarios: queue services

  private static List<Observed> sendToADrainedService(Fixture f) {
    Svc service = f.service(Svc.class, Svc::new);
    service.drain();
    FutureSvc futures = f.service(FutureSvc.class, FutureSvc::new);
    futures.drain();
    return List.of(
        attempt("QueueService.send", () -> service.send("late")),
        attempt("FutureQueueService.send", () -> futures.send("late")));
  }

  private static List<Observed> sendToAServiceMadeWithNew(Fixture f) {
    return List.of(
        attempt("QueueService.send", () -> new Svc().send("x")),
        attempt("FutureQueueService.send", () -> new FutureSvc().send("x")));
  }

  private static List<Observed> sendToAFailedService(Fixture f) {
    Svc failed =
        f.service(
            Svc.class,
            () ->
                new Svc()
                    .startingWith(
                        () -> {
                          throw new IOException("no disk today");
                        }));
    awaitCondition(() -> !failed.isRunning(), "the service to fail");
    return List.of(attempt("QueueService.send", () -> failed.send("after")));
  }

  private static List<Observed> serviceWaitsOnTheGlobalLoop(Fixture f) throws Exception {
    Svc service = f.service(Svc.class, Svc::new);
    return Portals.globalLoop()
        .submit(
            Call.of(
                () ->
                    List.of(
                        attempt("drain()", service::drain),
                        attempt("drain(Duration)", () -> service.drain(WAIT)),
                        attempt("waitUntilEmpty()", service::waitUntilEmpty),
                        attempt("waitUntilEmpty(Duration)", () -> service.waitUntilEmpty(WAIT)),
                        attempt(
                            "QueueService.drainAll",
                            () -> QueueService.drainAll(Svc.class, WAIT)))))
        .result(WAIT);
  }

  private static List<Observed> interruptedServiceWaits(Fixture f) throws Exception {
    CompletableFuture<Object> gate = f.pending();
    Svc held = f.service(Svc.class, () -> new Svc(item -> gate));
    held.send("held");
    return causedByInterrupts(
        List.of(
            f.interrupting("waitUntilEmpty()", null, false, held::waitUntilEmpty),
            f.interrupting("waitUntilEmpty(), flag already set", null, true, held::waitUntilEmpty),
            f.interrupting(
                "QueueService.drainAll", null, false, () -> QueueService.drainAll(Svc.class, WAIT)),
            f.interrupting(
                "QueueService.drainAll, flag already set",
                null,
                true,
                () -> QueueService.drainAll(Svc.class, WAIT)),
            f.interrupting("drain()", null, false, held::drain),
            f.interrupting("drain(), flag already set", null, true, held::drain)));
  }

  private static List<Observed> factoryReturnsNull(Fixture f) {
    return List.of(
        attempt(
            "QueueService.instance", () -> QueueService.instance(Svc.class, f.key(), () -> null)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<Observed> factoryReturnsAnotherClass(Fixture f) {
    Supplier<Svc> wrong = (Supplier) OtherSvc::new;
    return List.of(
        attempt("QueueService.instance", () -> QueueService.instance(Svc.class, f.key(), wrong)));
  }

  private static List<Observed> factoryReturnsAUsedService(Fixture f) {
    Svc running = f.service(Svc.class, Svc::new);
    Svc drained = f.service(Svc.class, Svc::new);
    drained.drain();
    return List.of(
        attempt(
            "a running service", () -> QueueService.instance(Svc.class, f.key(), () -> running)),
        attempt(
            "a drained service", () -> QueueService.instance(Svc.class, f.key(), () -> drained)));
  }

  private static List<Observed> negativeQueueSize(Fixture f) {
    return List.of(
        attempt(
            "maxQueueSize() = -1",
            () -> QueueService.instance(Svc.class, f.key(), () -> new Svc().bound(-1))));
  }

  private static List<Observed> batchSizeBelowOne(Fixture f) {
    return List.of(
        attempt(
            "maxBatchSize() = 0",
            () -> QueueService.instance(BatchSvc.class, f.key(), () -> new BatchSvc(0, null))),
        attempt(
            "maxBatchSize() = -5",
            () -> QueueService.instance(BatchSvc.class, f.key(), () -> new BatchSvc(-5, null))));
  }

  private static List<Observed> intervalNotPositive(Fixture f) {
    return List.of(
        attempt(
            "minInterval() = ZERO",
            () ->
                QueueService.instance(
                    BatchSvc.class, f.key(), () -> new BatchSvc(10, Duration.ZERO))),
        attempt(
            "minInterval() = -1s",
            () ->
                QueueService.instance(BatchSvc.class, f.key(), () -> new BatchSvc(10, NEGATIVE))));
  }

  private static List<Observed> prepareReturnsNull(Fixture f) {
    Svc service = f.service(Svc.class, () -> new Svc().preparing(item -> null));
    FutureSvc futures = f.service(FutureSvc.class, () -> new FutureSvc().preparing(arg -> null));
    return List.of(
        attempt("QueueService.send", () -> service.send("x")),
        attempt("FutureQueueService.send", () -> futures.send("x")));
  }

  private static List<Observed> acquireReturnsNull(Fixture f) {
    FutureSvc futures = f.service(FutureSvc.class, () -> new FutureSvc(arg -> null));
    return List.of(attemptAsync("send(), then its future", null, () -> futures.send("x")));
  }

  // ------------------------------------------------------------------ the registry

  private static final Map<String, Scenario> SCENARIOS = scenarios();

  private static Map<String, Scenario> scenarios() {
    Map<String, Scenario> s = new LinkedHashMap<>();
    // Arguments
    s.put("E01", ErrorsTableTest::nullFunction);
    s.put("E02", ErrorsTableTest::nullName);
    s.put("E03", ErrorsTableTest::nullCall);
    s.put("E04", ErrorsTableTest::nullPortal);
    s.put("E05", ErrorsTableTest::nullCallback);
    s.put("E06", ErrorsTableTest::nullCause);
    s.put("E07", ErrorsTableTest::nullPatience);
    s.put("E08", ErrorsTableTest::nullTimeoutOfAWait);
    s.put("E09", ErrorsTableTest::nullOptions);
    s.put("E10", ErrorsTableTest::nullTask);
    s.put("E11", ErrorsTableTest::nullThread);
    s.put("E12", ErrorsTableTest::nullDoneCallbacks);
    s.put("E13", ErrorsTableTest::nullServiceType);
    s.put("E14", ErrorsTableTest::nullFactory);
    s.put("E15", ErrorsTableTest::nullItem);
    s.put("E16", ErrorsTableTest::nullRequest);
    // Durations
    s.put("E17", ErrorsTableTest::negativeTimeout);
    s.put("E18", ErrorsTableTest::zeroTimeout);
    s.put("E19", ErrorsTableTest::hugeTimeout);
    s.put("E20", ErrorsTableTest::noPatienceForAResult);
    s.put("E21", ErrorsTableTest::hugePatienceForAResult);
    s.put("E22", ErrorsTableTest::noPatienceForTermination);
    s.put("E23", ErrorsTableTest::hugePatienceForTermination);
    s.put("E24", ErrorsTableTest::noPatienceForServices);
    s.put("E25", ErrorsTableTest::hugePatienceForServices);
    // Calls
    s.put("E26", ErrorsTableTest::timeoutAfterStart);
    s.put("E27", ErrorsTableTest::alreadyHasARunner);
    s.put("E28", ErrorsTableTest::runWhileRunning);
    s.put("E29", ErrorsTableTest::runWhenDone);
    s.put("E30", ErrorsTableTest::resultOfACancelledCall);
    s.put("E31", ErrorsTableTest::resultOfATimedOutCall);
    s.put("E32", ErrorsTableTest::outOfPatience);
    s.put("E33", ErrorsTableTest::completeTheViewByHand);
    s.put("E34", ErrorsTableTest::asyncFunctionReturnsNull);
    s.put("E35", ErrorsTableTest::asyncFunctionReturnsSomethingElse);
    s.put("E36", ErrorsTableTest::interruptedResult);
    s.put("E37", ErrorsTableTest::resultWithTheFlagSet);
    // Portals
    s.put("E38", ErrorsTableTest::secondSubmitToARunOnceWorker);
    s.put("E39", ErrorsTableTest::secondSubmitToARunOnceLoop);
    s.put("E40", ErrorsTableTest::submitAfterShutdown);
    s.put("E41", ErrorsTableTest::startAfterShutdown);
    s.put("E42", ErrorsTableTest::addShutdownCallAfterShutdown);
    s.put("E43", ErrorsTableTest::executeOnATerminatedLoop);
    s.put("E44", ErrorsTableTest::interruptedWaitForGlobalLoopExit);
    // Waiters
    s.put("E45", ErrorsTableTest::submitToAFinishedWaiter);
    s.put("E46", ErrorsTableTest::doneCallbackAfterWaitingEnded);
    s.put("E47", ErrorsTableTest::awaitTwice);
    s.put("E48", ErrorsTableTest::awaitOnAnotherThread);
    s.put("E49", ErrorsTableTest::awaitAsyncTwice);
    s.put("E50", ErrorsTableTest::secondWaiter);
    s.put("E51", f -> interruptedFromSync(f, false));
    s.put("E52", f -> interruptedFromSync(f, true));
    // Loops and deadlocks
    s.put("E53", ErrorsTableTest::waitOnThePortalsOwnThread);
    s.put("E54", ErrorsTableTest::waitOnTheLoopForAnAsyncCallInFlight);
    s.put("E55", ErrorsTableTest::waitForTheCallYouAreIn);
    s.put("E56", ErrorsTableTest::waitFromTheOwnCancelCallback);
    s.put("E57", ErrorsTableTest::fromSyncToTheWorkerYouAreOn);
    s.put("E58", ErrorsTableTest::fromSyncAsyncCallOnTheLoopsThread);
    s.put("E59", ErrorsTableTest::awaitTerminationOnTheOwnThread);
    s.put("E60", ErrorsTableTest::waitForGlobalLoopExitOnIt);
    s.put("E61", ErrorsTableTest::cycleOfWaits);
    // Backends and runtime
    s.put("E62", ErrorsTableTest::unknownWorkerBackend);
    s.put("E63", ErrorsTableTest::unknownLoopBackend);
    s.put("E64", ErrorsTableTest::backendReturnsNull);
    s.put("E65", ErrorsTableTest::backendThrows);
    s.put("E66", ErrorsTableTest::customPortalFailsToStart);
    s.put("E67", ErrorsTableTest::missingCore);
    // Queue services
    s.put("E68", ErrorsTableTest::sendToADrainedService);
    s.put("E69", ErrorsTableTest::sendToAServiceMadeWithNew);
    s.put("E70", ErrorsTableTest::sendToAFailedService);
    s.put("E71", ErrorsTableTest::serviceWaitsOnTheGlobalLoop);
    s.put("E72", ErrorsTableTest::interruptedServiceWaits);
    s.put("E73", ErrorsTableTest::factoryReturnsNull);
    s.put("E74", ErrorsTableTest::factoryReturnsAnotherClass);
    s.put("E75", ErrorsTableTest::factoryReturnsAUsedService);
    s.put("E76", ErrorsTableTest::negativeQueueSize);
    s.put("E77", ErrorsTableTest::batchSizeBelowOne);
    s.put("E78", ErrorsTableTest::intervalNotPositive);
    s.put("E79", ErrorsTableTest::prepareReturnsNull);
    s.put("E80", ErrorsTableTest::acquireReturnsNull);
    return Collections.unmodifiableMap(s);
  }
}

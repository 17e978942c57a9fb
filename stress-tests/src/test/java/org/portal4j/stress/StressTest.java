package org.portal4j.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.portal4j.Call;
import org.portal4j.ContextKey;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.core.EventLoopPortal;
import org.portal4j.core.WorkerThreadPortal;
import org.portal4j.netty.NettyPortals;
import org.portal4j.services.QueueService;
import org.portal4j.test.CheckThreadLeaks;
import org.portal4j.virtual.VirtualWorkerPortal;

/**
 * Calls by the hundred thousand (a million with {@code -Dportal4j.stress.calls=1000000}) across
 * platform and virtual workers, platform and Netty loops, the global loop and new threads; sync and
 * async; cancelled at random and timed out at random, during the sync part and during the async
 * part; with callbacks sent back to waiters, nested waiters, and a queue service in the mix.
 *
 * <p>Checked at the end: every call ended exactly once (its done callback ran once); every cancel
 * callback ran at most once, before its call read as cancelled, and only for a call that ended
 * cancelled; every call ran in the context it was created in, and no context stayed behind on a
 * pooled thread; every item sent to the service was handled; no thread was left running; the calls
 * are garbage and the heap is back where it started. A hang fails the test with a thread dump.
 */
@CheckThreadLeaks // every portal is shut down at the end: none of their threads may be left
class StressTest {

  private static final int CALLS = Integer.getInteger("portal4j.stress.calls", 150_000);
  private static final int PRODUCERS = 8;
  private static final Duration HANG_LIMIT = Duration.ofMinutes(5);
  private static final ContextKey<String> CONTEXT = ContextKey.named("stress-context");

  // ------------------------------------------------------------------ tallies

  private final LongAdder created = new LongAdder();
  private final LongAdder ended = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder sentToService = new LongAdder();
  private final Map<String, LongAdder> violations = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<WeakReference<Call<?>>> sample =
      new ConcurrentLinkedQueue<>();

  private void violation(String rule) {
    violations.computeIfAbsent(rule, r -> new LongAdder()).increment();
  }

  // ------------------------------------------------------------------ the set-up

  private final ScheduledExecutorService stages =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stress-stage-completer");
            t.setDaemon(true);
            return t;
          });
  private final List<WorkerPortal> workers = new ArrayList<>();
  private final List<LoopPortal> loops = new ArrayList<>();
  private final CountingService service = new CountingService();

  /** Counts what it handles, on the global loop. */
  public static final class CountingService extends QueueService<Integer> {
    final LongAdder handled = new LongAdder();

    @Override
    protected CompletionStage<?> handle(Integer item) {
      handled.increment();
      return null;
    }
  }

  @Test
  void everyCallEndsExactlyOnceAcrossEveryPortalKindAndBackend() throws Exception {
    long heapBefore = usedHeapAfterGc();
    CountingService counting = QueueService.instance(CountingService.class, () -> service);
    for (int i = 0; i < 2; i++) {
      workers.add(new WorkerThreadPortal(named("stress-platform-worker-" + i)));
      workers.add(new VirtualWorkerPortal(named("stress-virtual-worker-" + i)));
    }
    loops.add(new EventLoopPortal(named("stress-platform-loop")));
    loops.add(NettyPortals.newLoop(named("stress-netty-loop")));
    loops.add(Portals.globalLoop());

    long start = System.nanoTime();
    runProducers(counting);
    shutDownEverything(counting);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    awaitState(() -> ended.sum() == created.sum(), "every call ended");
    String tally =
        String.format(
            "%d calls in %d ms (%d calls/s): %d succeeded, %d failed, %d cancelled, %d timed out;"
                + " %d items through the service",
            created.sum(),
            millis,
            created.sum() * 1000 / Math.max(1, millis),
            succeeded.sum(),
            failed.sum(),
            cancelled.sum(),
            timedOut.sum(),
            sentToService.sum());
    System.out.println("STRESS " + tally);

    assertTrue(violations.isEmpty(), "rules broken: " + violations + "; " + tally);
    assertEquals(created.sum(), ended.sum(), tally);
    assertEquals(
        created.sum(),
        succeeded.sum() + failed.sum() + cancelled.sum() + timedOut.sum(),
        "outcomes do not add up: " + tally);
    assertTrue(
        failed.sum() > 0 && cancelled.sum() > 0 && timedOut.sum() > 0,
        "the mix must fail, cancel and time out: " + tally);
    assertEquals(sentToService.sum(), counting.handled.sum(), "items the service handled");

    stages.shutdownNow();
    assertTrue(stages.awaitTermination(10, TimeUnit.SECONDS));
    awaitState(
        () -> {
          System.gc();
          return sample.stream().allMatch(ref -> ref.get() == null);
        },
        "finished calls are garbage");
    long heapAfter = usedHeapAfterGc();
    assertTrue(
        heapAfter < heapBefore + 64L * 1024 * 1024,
        "the heap did not return to baseline: "
            + heapBefore / 1024
            + " KB before, "
            + heapAfter / 1024
            + " KB after");
  }

  // ------------------------------------------------------------------ producing

  private void runProducers(CountingService counting) throws Exception {
    AtomicLong budget = new AtomicLong(CALLS);
    CountDownLatch done = new CountDownLatch(PRODUCERS);
    List<Thread> producers = new ArrayList<>();
    for (int p = 0; p < PRODUCERS; p++) {
      String id = "producer-" + p;
      Runnable body =
          () -> {
            try (ContextKey.Scope scope = CONTEXT.set(id)) {
              while (budget.getAndDecrement() > 0) {
                produceOne(id, counting);
              }
            } catch (Throwable t) {
              violation("a producer died: " + t);
            } finally {
              done.countDown();
            }
          };
      // Half the producers are virtual threads: blocking waits from them are part of the mix.
      producers.add(
          p % 2 == 0
              ? Thread.ofPlatform().name(id).start(body)
              : Thread.ofVirtual().name(id).start(body));
    }
    if (!done.await(HANG_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("the producers hung:\n" + threadDump());
    }
    for (Thread producer : producers) {
      producer.join();
    }
  }

  private void produceOne(String context, CountingService counting) throws Exception {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int shape = random.nextInt(100);
    if (shape < 30) {
      fireAndForget(random, context);
    } else if (shape < 50) {
      asyncOnALoop(random, context);
    } else if (shape < 65) {
      roundTrip(random, context);
    } else if (shape < 75) {
      callbackSentBack(random, context);
    } else if (shape < 78) {
      nestedWaiters(context);
    } else if (shape < 83) {
      fromAsync(context);
    } else if (shape < 95) {
      counting.send(shape);
      sentToService.increment();
    } else {
      contextProbe(random);
    }
  }

  /** A sync call to any portal; failing, cancelled or timed out now and then. */
  private void fireAndForget(ThreadLocalRandom random, String context) {
    boolean slow = random.nextInt(100) == 0;
    boolean failing = random.nextInt(20) == 0;
    Call<String> call =
        track(
            Call.of(
                "sync",
                () -> {
                  checkContext(context);
                  if (slow) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                  }
                  if (failing) {
                    throw new IllegalStateException("failing on purpose");
                  }
                  return "done";
                }));
    if (random.nextInt(20) == 0) {
      call.setTimeout(Duration.ofNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(3))));
    }
    anyPortal(random).submit(call);
    if (random.nextInt(20) == 0) {
      call.cancel();
    }
  }

  /**
   * An async call on a loop whose stage completes a little later; cancelled or timed out during the
   * async part now and then.
   */
  private void asyncOnALoop(ThreadLocalRandom random, String context) {
    long delay = random.nextLong(TimeUnit.MILLISECONDS.toMicros(2));
    Call<String> call =
        track(
            Call.ofAsync(
                "async",
                () -> {
                  checkContext(context);
                  CompletableFuture<String> stage = new CompletableFuture<>();
                  stages.schedule(() -> stage.complete("later"), delay, TimeUnit.MICROSECONDS);
                  return stage;
                }));
    if (random.nextInt(10) == 0) {
      call.setTimeout(Duration.ofNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(2))));
    }
    loops.get(random.nextInt(loops.size())).submit(call);
    if (random.nextInt(10) == 0) {
      stages.schedule((Runnable) call::cancel, random.nextLong(1000), TimeUnit.MICROSECONDS);
    }
  }

  /** Submit and wait for the result, like a caller that needs it. */
  private void roundTrip(ThreadLocalRandom random, String context) {
    Call<String> call =
        track(
            Call.of(
                "round-trip",
                () -> {
                  checkContext(context);
                  return "back";
                }));
    try {
      String result = anyPortal(random).submit(call).result();
      if (!"back".equals(result)) {
        violation("a round trip returned " + result);
      }
    } catch (RuntimeException e) {
      violation("a round trip threw " + e);
    }
  }

  /** The seed's scenario: a call on a worker sends a callback back to the waiting thread. */
  private void callbackSentBack(ThreadLocalRandom random, String context) {
    Thread waiting = Thread.currentThread();
    Call<String> call =
        track(
            Call.of(
                "sends-back",
                () ->
                    sendBack(
                        Call.of(
                            "callback",
                            () -> {
                              checkContext(context);
                              if (Thread.currentThread() != waiting) {
                                violation("a callback ran off its waiter's thread");
                              }
                              return "called back";
                            }))));
    if (random.nextInt(50) == 0) {
      call.setTimeout(Duration.ofMillis(1));
    }
    try {
      FromSync.callIn(workers.get(random.nextInt(workers.size())), call);
    } catch (RuntimeException e) {
      if (!call.isCancelled()) {
        violation("a waited call failed: " + e);
      }
    }
  }

  /** A callback sent back waits in turn for a call on a new thread, which sends one back too. */
  private void nestedWaiters(String context) {
    Call<String> outer =
        track(Call.of("outer", () -> sendBack(Call.of("outer-callback", () -> inner(context)))));
    String result = FromSync.callInNewThread(outer);
    if (!"2".equals(result)) {
      violation("a nested callback did not run in the innermost of two waiters: " + result);
    }
  }

  /** On the waiting thread, inside its first waiter: waits for a call on another new thread. */
  private String inner(String context) {
    return FromSync.callInNewThread(
        track(
            Call.of(
                "inner",
                () ->
                    sendBack(
                        Call.of(
                            "inner-callback",
                            () -> {
                              checkContext(context);
                              return String.valueOf(
                                  Waiters.forThread(Thread.currentThread()).size());
                            })))));
  }

  /**
   * Sends {@code callback} to the waiter of the current call and waits for its result. A waiter
   * whose call timed out meanwhile refuses it and leaves it untouched, so the callback is cancelled
   * here, as its owner must: it was counted and has to end.
   */
  private String sendBack(Call<String> callback) {
    Waiter<?> waiter = Waiters.current().orElseThrow();
    track(callback);
    try {
      waiter.submit(callback);
    } catch (IllegalStateException refused) {
      callback.cancel();
      throw refused;
    }
    return callback.result();
  }

  /** The non-blocking side: a call on the global loop through FromAsync. */
  private void fromAsync(String context) {
    String result =
        FromAsync.callInLoopThread(
                track(
                    Call.of(
                        "from-async",
                        () -> {
                          checkContext(context);
                          return "async caller";
                        })))
            .join();
    if (!"async caller".equals(result)) {
      violation("FromAsync returned " + result);
    }
  }

  /** A call made without context: whatever thread runs it must have none left over. */
  private void contextProbe(ThreadLocalRandom random) {
    Call<String> probe;
    try (ContextKey.Scope none = CONTEXT.set(null)) {
      probe = track(Call.of("probe", () -> CONTEXT.get()));
    }
    String leftOver = anyPortal(random).submit(probe).result();
    if (leftOver != null) {
      violation("context left behind on a pooled thread");
    }
  }

  private Portal anyPortal(ThreadLocalRandom random) {
    int n = random.nextInt(workers.size() + loops.size());
    return n < workers.size() ? workers.get(n) : loops.get(n - workers.size());
  }

  private void checkContext(String expected) {
    if (!expected.equals(CONTEXT.get())) {
      violation("a call ran outside the context it was created in");
    }
  }

  /** Counts the call and checks its callbacks' rules as it ends. */
  private <T> Call<T> track(Call<T> call) {
    created.increment();
    AtomicInteger cancelRuns = new AtomicInteger();
    AtomicInteger doneRuns = new AtomicInteger();
    call.addCancelCallback(
        () -> {
          cancelRuns.incrementAndGet();
          if (call.isCancelled()) {
            violation("a cancel callback saw its call already cancelled");
          }
        });
    call.addDoneCallback(
        done -> {
          if (doneRuns.incrementAndGet() != 1) {
            violation("a done callback ran twice");
            return;
          }
          if (!done.isDone()) {
            violation("a done callback saw its call not done");
          }
          if (cancelRuns.get() > 1) {
            violation("a cancel callback ran twice");
          }
          if (cancelRuns.get() == 1 && !done.isCancelled()) {
            violation("a cancel callback ran for a call that did not end cancelled");
          }
          if (done.isTimedOut()) {
            timedOut.increment();
          } else if (done.isCancelled()) {
            cancelled.increment();
          } else if (done.toCompletableFuture().isCompletedExceptionally()) {
            failed.increment();
          } else {
            succeeded.increment();
          }
          ended.increment();
        });
    if (ThreadLocalRandom.current().nextInt(1000) == 0) {
      sample.add(new WeakReference<>(call));
    }
    return call;
  }

  // ------------------------------------------------------------------ the end

  private void shutDownEverything(CountingService counting) throws InterruptedException {
    assertTrue(counting.drain(Duration.ofSeconds(30)), "the service did not drain");
    for (WorkerPortal worker : workers) {
      worker.shutdown();
    }
    for (LoopPortal loop : loops) {
      loop.shutdown();
    }
    for (WorkerPortal worker : workers) {
      assertTrue(worker.awaitTermination(Duration.ofSeconds(30)), worker + "\n" + threadDump());
    }
    for (LoopPortal loop : loops) {
      assertTrue(loop.awaitTermination(Duration.ofSeconds(30)), loop + "\n" + threadDump());
    }
  }

  private static PortalOptions named(String name) {
    return PortalOptions.builder().name(name).build();
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void awaitState(BooleanSupplier state, String what) {
    awaitState(state, () -> what);
  }

  private static void awaitState(BooleanSupplier state, Supplier<String> what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!state.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("timed out waiting: " + what.get() + "\n" + threadDump());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              dump.append('"').append(thread.getName()).append("\" ").append(thread.getState());
              for (StackTraceElement frame : stack) {
                dump.append("\n    at ").append(frame);
              }
              dump.append('\n');
            });
    return dump.toString();
  }
}

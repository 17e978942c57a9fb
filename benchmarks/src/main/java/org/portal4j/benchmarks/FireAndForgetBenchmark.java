package org.portal4j.benchmarks;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.portal4j.Call;

/**
 * Fire-and-forget throughput into one loop, in tasks per microsecond (millions per second): one
 * thread hands tiny tasks to a single-thread loop without waiting for each. An invocation hands
 * over a batch of {@value #BATCH} tasks, then a marker task, and waits for the previous batch's
 * marker, so at most two batches are queued: the score is what the loop takes in and runs, not how
 * fast a queue grows.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FireAndForgetBenchmark {

  static final int BATCH = 10_000;

  /** Written on the loop thread only (one loop per fork); a side effect the JIT must keep. */
  static long ticks;

  private static final Runnable TICK = () -> ticks++;

  private static final Callable<Object> TICK_CALL =
      () -> {
        ticks++;
        return null;
      };

  /** The marker of the batch in flight; waiting for it bounds the queue to two batches. */
  @State(Scope.Thread)
  public static class Batches {
    private CompletableFuture<Void> previous;

    void end(Executor loop) throws Exception {
      CompletableFuture<Void> marker = new CompletableFuture<>();
      loop.execute(() -> marker.complete(null));
      drain();
      previous = marker;
    }

    @TearDown(Level.Iteration)
    public void drain() throws Exception {
      if (previous != null) {
        previous.get(Work.STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        previous = null;
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void portal4jPlatformLoopSubmitCall(Loops.Portal4jPlatform p, Batches b, Blackhole bh)
      throws Exception {
    for (int i = 0; i < BATCH; i++) {
      bh.consume(p.loop.submit(Call.of(TICK_CALL)));
    }
    b.end(p.loop);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void portal4jNettyLoopSubmitCall(Loops.Portal4jNetty p, Batches b, Blackhole bh)
      throws Exception {
    for (int i = 0; i < BATCH; i++) {
      bh.consume(p.loop.submit(Call.of(TICK_CALL)));
    }
    b.end(p.loop);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void portal4jPlatformLoopExecute(Loops.Portal4jPlatform p, Batches b) throws Exception {
    for (int i = 0; i < BATCH; i++) {
      p.loop.execute(TICK);
    }
    b.end(p.loop);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void portal4jNettyLoopExecute(Loops.Portal4jNetty p, Batches b) throws Exception {
    for (int i = 0; i < BATCH; i++) {
      p.loop.execute(TICK);
    }
    b.end(p.loop);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void jdkSingleThreadExecutor(Loops.JdkSingle p, Batches b) throws Exception {
    for (int i = 0; i < BATCH; i++) {
      p.executor.execute(TICK);
    }
    b.end(p.executor);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void nettyDefaultEventLoop(Loops.NettyDefault p, Batches b) throws Exception {
    for (int i = 0; i < BATCH; i++) {
      p.loop.execute(TICK);
    }
    b.end(p.loop);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void nettyNioEventLoop(Loops.NettyNio p, Batches b) throws Exception {
    for (int i = 0; i < BATCH; i++) {
      p.loop.execute(TICK);
    }
    b.end(p.loop);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void vertxRunOnContext(Loops.VertxContext p, Batches b) throws Exception {
    for (int i = 0; i < BATCH; i++) {
      p.context.runOnContext(v -> ticks++);
    }
    b.end(task -> p.context.runOnContext(v -> task.run()));
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void reactorSingleSchedule(Loops.ReactorSingle p, Batches b, Blackhole bh)
      throws Exception {
    for (int i = 0; i < BATCH; i++) {
      bh.consume(p.scheduler.schedule(TICK));
    }
    b.end(p.scheduler::schedule);
  }
}

package org.portal4j.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.portal4j.Call;
import org.portal4j.FromSync;
import reactor.core.publisher.Mono;

/**
 * A loop round trip: the caller hands a function to a single-thread event loop and blocks until its
 * result is back (submit + result). portal4j's loops beside every peer's in the same run. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LoopRoundTripBenchmark {

  @Benchmark
  public String portal4jPlatformLoop(Loops.Portal4jPlatform p) {
    return p.loop.submit(Call.of(Work.CALLABLE)).result();
  }

  @Benchmark
  public String portal4jNettyLoop(Loops.Portal4jNetty p) {
    return p.loop.submit(Call.of(Work.CALLABLE)).result();
  }

  /** {@code FromSync.callInLoopThread}: the global loop, with a waiter on the calling thread. */
  @Benchmark
  public String portal4jCallInLoopThread(Loops.Portal4jGlobal p) {
    return FromSync.callInLoopThread(Work.CALLABLE);
  }

  @Benchmark
  public String jdkCompletableFuture(Loops.JdkSingle p) {
    return CompletableFuture.supplyAsync(Work.SUPPLIER, p.executor).join();
  }

  @Benchmark
  public String jdkExecutorSubmitGet(Loops.JdkSingle p) throws Exception {
    return p.executor.submit(Work.CALLABLE).get();
  }

  @Benchmark
  public String nettyDefaultEventLoop(Loops.NettyDefault p) throws Exception {
    return p.loop.submit(Work.CALLABLE).get();
  }

  @Benchmark
  public String nettyNioEventLoop(Loops.NettyNio p) throws Exception {
    return p.loop.submit(Work.CALLABLE).get();
  }

  @Benchmark
  public String vertxRunOnContext(Loops.VertxContext p) {
    CompletableFuture<String> result = new CompletableFuture<>();
    p.context.runOnContext(v -> result.complete(Work.SUPPLIER.get()));
    return result.join();
  }

  @Benchmark
  public String reactorSingleMonoBlock(Loops.ReactorSingle p) {
    return Mono.fromCallable(Work.CALLABLE).subscribeOn(p.scheduler).block();
  }

  @Benchmark
  public String reactorSingleSchedule(Loops.ReactorSingle p) {
    CompletableFuture<String> result = new CompletableFuture<>();
    p.scheduler.schedule(() -> result.complete(Work.SUPPLIER.get()));
    return result.join();
  }
}

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
 * What a 10 s timeout (one that never fires) costs a loop round trip: each method is the method of
 * the same name in {@link LoopRoundTripBenchmark} with the library's own call timeout added, so the
 * cost is the ratio of the two scores of one run. (The regex {@code LoopRoundTrip} runs both.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LoopRoundTripTimeoutBenchmark {

  @Benchmark
  public String portal4jPlatformLoop(Loops.Portal4jPlatform p) {
    return p.loop.submit(Call.of(Work.CALLABLE).setTimeout(Work.TEN_SECONDS)).result();
  }

  @Benchmark
  public String portal4jNettyLoop(Loops.Portal4jNetty p) {
    return p.loop.submit(Call.of(Work.CALLABLE).setTimeout(Work.TEN_SECONDS)).result();
  }

  @Benchmark
  public String portal4jCallInLoopThread(Loops.Portal4jGlobal p) {
    return FromSync.callInLoopThread(Work.CALLABLE, Work.TEN_SECONDS);
  }

  /** {@code orTimeout}: a timer on the JDK's shared delayer thread, cancelled on completion. */
  @Benchmark
  public String jdkCompletableFuture(Loops.JdkSingle p) {
    return CompletableFuture.supplyAsync(Work.SUPPLIER, p.executor)
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  /** {@code Mono.timeout}: a timer on {@code Schedulers.parallel()}, cancelled on completion. */
  @Benchmark
  public String reactorSingleMonoBlock(Loops.ReactorSingle p) {
    return Mono.fromCallable(Work.CALLABLE)
        .subscribeOn(p.scheduler)
        .timeout(Work.TEN_SECONDS)
        .block();
  }
}

package org.portal4j.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.portal4j.Call;

/**
 * What capturing a call costs: {@code Call.of} (the function, the caller's context, a future for
 * the outcome) beside the JDK's smallest futures. Run with {@code -prof gc}: {@code
 * gc.alloc.rate.norm} is the bytes per call object.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CallOfBenchmark {

  @Benchmark
  public Call<String> portal4jCallOf() {
    return Call.of(Work.CALLABLE);
  }

  @Benchmark
  public FutureTask<String> jdkFutureTask() {
    return new FutureTask<>(Work.CALLABLE);
  }

  @Benchmark
  public CompletableFuture<String> jdkCompletableFuture() {
    return new CompletableFuture<>();
  }
}

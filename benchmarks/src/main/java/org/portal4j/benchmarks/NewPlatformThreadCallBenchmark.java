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
import org.portal4j.FromSync;

/**
 * A call on a new platform thread with a 10 s timeout, waited for by the caller: portal4j's {@code
 * FromSync.callInNewThread} on the platform backend beside the JDK's ways of doing the same.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class NewPlatformThreadCallBenchmark {

  @Benchmark
  public String portal4jCallInNewThread(Workers.Portal4jPlatformPerCall p) {
    return FromSync.callInNewThread(Work.CALLABLE, Work.TEN_SECONDS);
  }

  @Benchmark
  public String jdkThreadPerTaskOrTimeout(Workers.JdkPlatformPerTask p) {
    return CompletableFuture.supplyAsync(Work.SUPPLIER, p.executor)
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  /** {@code Thread.ofPlatform().start(fn)} and {@code join(10 s)}. */
  @Benchmark
  public String jdkThreadStartJoin() throws InterruptedException {
    return NewThreads.startAndJoin(Thread.ofPlatform());
  }
}

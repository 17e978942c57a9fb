package org.portal4j.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.portal4j.Call;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.core.EventLoopPortal;

/**
 * A loop round trip: a caller hands a small function to an event loop and blocks until its result
 * is back. portal4j's platform loop beside the JDK's single-thread executor, in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xshare:off")
public class LoopRoundTripBenchmark {

  private LoopPortal loop;
  private ExecutorService single;
  private final Supplier<String> work = () -> "done";

  @Setup(Level.Trial)
  public void start() {
    loop = new EventLoopPortal(PortalOptions.builder().name("bench-loop").daemon(true).build());
    loop.start();
    single = Executors.newSingleThreadExecutor();
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    loop.shutdown();
    single.shutdown();
    loop.awaitTermination(java.time.Duration.ofSeconds(10));
    single.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public String portal4jPlatformLoop() {
    return loop.submit(Call.of(work::get)).result();
  }

  @Benchmark
  public String jdkSingleThreadExecutor() {
    return CompletableFuture.supplyAsync(work, single).join();
  }
}

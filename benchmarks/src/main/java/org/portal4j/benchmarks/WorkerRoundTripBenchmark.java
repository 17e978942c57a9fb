package org.portal4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;
import org.portal4j.Call;
import reactor.core.publisher.Mono;

/**
 * A worker round trip (not a shape of issue 12's table; the peers' worker pools live here): the
 * caller hands a function to a long-lived worker thread and blocks until its result is back.
 * portal4j's platform and virtual workers beside a JDK single-thread executor, Vert.x {@code
 * executeBlocking} and Reactor's {@code boundedElastic}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WorkerRoundTripBenchmark {

  @Benchmark
  public String portal4jPlatformWorker(Workers.Portal4jPlatformWorker p) {
    return p.worker.submit(Call.of(Work.CALLABLE)).result();
  }

  @Benchmark
  public String portal4jVirtualWorker(Workers.Portal4jVirtualWorker p) {
    return p.worker.submit(Call.of(Work.CALLABLE)).result();
  }

  @Benchmark
  public String jdkPlatformSingleThreadExecutor(Loops.JdkSingle p) throws Exception {
    return p.executor.submit(Work.CALLABLE).get();
  }

  @Benchmark
  public String jdkVirtualSingleThreadExecutor(Workers.JdkVirtualSingle p) throws Exception {
    return p.executor.submit(Work.CALLABLE).get();
  }

  /** {@code Context.executeBlocking} (ordered, Vert.x's default), waited with {@code await()}. */
  @Benchmark
  public String vertxExecuteBlocking(Loops.VertxContext p) {
    return p.context.executeBlocking(Work.CALLABLE).await();
  }

  @Benchmark
  public String reactorBoundedElastic(Workers.ReactorBoundedElastic p) {
    return Mono.fromCallable(Work.CALLABLE).subscribeOn(p.scheduler).block();
  }
}

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
import reactor.core.publisher.Mono;

/**
 * A timed call run inline, no handoff: a call with a 10 s timeout runs on the calling thread and
 * its result is read. What is left is the call object and its timer (armed at start, cancelled at
 * the end). The untimed forms show what the timer adds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InlineTimedCallBenchmark {

  @Benchmark
  public String portal4jTimedCallRun() {
    Call<String> call = Call.of(Work.CALLABLE).setTimeout(Work.TEN_SECONDS);
    call.run();
    return call.result();
  }

  @Benchmark
  public String portal4jCallRun() {
    Call<String> call = Call.of(Work.CALLABLE);
    call.run();
    return call.result();
  }

  /** {@code orTimeout} arms a timer on the JDK's delayer; completing the future cancels it. */
  @Benchmark
  public String jdkCompletableFutureOrTimeout() {
    CompletableFuture<String> future =
        new CompletableFuture<String>().orTimeout(10, TimeUnit.SECONDS);
    future.complete(Work.SUPPLIER.get());
    return future.join();
  }

  @Benchmark
  public String jdkFutureTaskRun() throws Exception {
    FutureTask<String> task = new FutureTask<>(Work.CALLABLE);
    task.run();
    return task.get();
  }

  /**
   * {@code Mono.timeout} arms a timer on {@code Schedulers.parallel()}, cancelled on completion.
   */
  @Benchmark
  public String reactorMonoTimeout() {
    return Mono.fromCallable(Work.CALLABLE).timeout(Work.TEN_SECONDS).block();
  }
}

package org.portal4j.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.portal4j.PortalOptions;

/**
 * What deadlock detection costs a blocking wait: registering in the wait-for graph, looking for a
 * cycle and leaving, for a call queued on a loop whose thread is busy but not blocked in portal4j
 * (the case of every round trip). Compare with {@code LoopRoundTripBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xshare:off")
public class WaitGraphBenchmark {

  private EventLoopPortal loop;
  private final CountDownLatch release = new CountDownLatch(1);
  private Call<String> queued;

  @Setup(Level.Trial)
  public void queueACallBehindABusyLoop() {
    loop = new EventLoopPortal(PortalOptions.builder().name("graph-loop").daemon(true).build());
    loop.submit(
        Call.of(
            () -> {
              release.await();
              return null;
            }));
    queued = loop.submit(Call.of(() -> "queued"));
  }

  @TearDown(Level.Trial)
  public void release() throws InterruptedException {
    release.countDown();
    loop.shutdown();
    loop.awaitTermination(java.time.Duration.ofSeconds(10));
  }

  @Benchmark
  public Object enterLookAndLeave() {
    Object wait = WaitGraph.enter(queued, null);
    WaitGraph.exit(wait);
    return wait;
  }
}

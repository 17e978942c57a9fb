package org.portal4j.benchmarks;

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
 * A waiter round trip on a reused worker: a call on a long-lived worker thread sends a function
 * back to the waiting thread, which runs it while it waits, and returns its result. portal4j
 * ({@code FromSync.callIn(worker, ...)} with {@code Waiters.current().submit(...)} inside, on a
 * platform and a virtual worker) beside the same flow built by hand on a single-thread executor and
 * a {@code SynchronousQueue}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WaiterReusedWorkerBenchmark {

  @Benchmark
  public String portal4jPlatformWorker(Workers.Portal4jPlatformWorker p) {
    return FromSync.callIn(p.worker, HandBuiltWaiter.SEND_BACK);
  }

  @Benchmark
  public String portal4jVirtualWorker(Workers.Portal4jVirtualWorker p) {
    return FromSync.callIn(p.worker, HandBuiltWaiter.SEND_BACK);
  }

  @Benchmark
  public String jdkPlatformThreadSynchronousQueue(Loops.JdkSingle p) throws InterruptedException {
    HandBuiltWaiter waiter = new HandBuiltWaiter();
    p.executor.execute(waiter::call);
    return waiter.await();
  }

  @Benchmark
  public String jdkVirtualThreadSynchronousQueue(Workers.JdkVirtualSingle p)
      throws InterruptedException {
    HandBuiltWaiter waiter = new HandBuiltWaiter();
    p.executor.execute(waiter::call);
    return waiter.await();
  }
}

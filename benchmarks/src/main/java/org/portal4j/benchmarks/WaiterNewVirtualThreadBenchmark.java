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
 * A waiter round trip on a new virtual thread: a call on a new virtual thread sends a function back
 * to the waiting thread, which runs it while it waits, and returns its result. portal4j ({@code
 * FromSync.callInNewThread} with {@code Waiters.current().submit(...)} inside, virtual backend)
 * beside the same flow built by hand from a virtual thread and a {@code SynchronousQueue}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WaiterNewVirtualThreadBenchmark {

  @Benchmark
  public String portal4jCallInNewThread(Workers.Portal4jVirtualPerCall p) {
    return FromSync.callInNewThread(HandBuiltWaiter.SEND_BACK);
  }

  @Benchmark
  public String jdkVirtualThreadSynchronousQueue() throws InterruptedException {
    HandBuiltWaiter waiter = new HandBuiltWaiter();
    Thread.ofVirtual().start(waiter::call);
    return waiter.await();
  }
}

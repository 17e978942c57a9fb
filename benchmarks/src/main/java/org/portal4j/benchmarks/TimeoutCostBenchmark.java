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

/**
 * What a 10 s timeout costs the platform loop's round trip, with the hand-over made the same every
 * time, so that the ratio of a timed to an untimed method shows the timeout and not the spin.
 *
 * <p>With portal4j's default spin, a round trip's time depends on how often each side's spin
 * catches the other (about 4 µs when both keep catching, about 40 µs once they park and wake each
 * other), and that mix moves more between forks than a timeout costs. Here each pair runs in forks
 * whose spin is forced: {@code caught} spins up to {@code -Dportal4j.spins=65536} (about 1.5 ms),
 * so on two free cores every hand-over is caught; {@code parked} spins 0 times, so every hand-over
 * parks and wakes a thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimeoutCostBenchmark {

  private static final String CAUGHT = "-Dportal4j.spins=65536";
  private static final String PARKED = "-Dportal4j.spins=0";

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", CAUGHT})
  public String untimedCaught(Loops.Portal4jPlatform p) {
    return p.loop.submit(Call.of(Work.CALLABLE)).result();
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", CAUGHT})
  public String timedCaught(Loops.Portal4jPlatform p) {
    return p.loop.submit(Call.of(Work.CALLABLE).setTimeout(Work.TEN_SECONDS)).result();
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", PARKED})
  public String untimedParked(Loops.Portal4jPlatform p) {
    return p.loop.submit(Call.of(Work.CALLABLE)).result();
  }

  @Benchmark
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", PARKED})
  public String timedParked(Loops.Portal4jPlatform p) {
    return p.loop.submit(Call.of(Work.CALLABLE).setTimeout(Work.TEN_SECONDS)).result();
  }
}

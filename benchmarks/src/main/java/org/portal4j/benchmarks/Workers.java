package org.portal4j.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.core.WorkerThreadPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.virtual.VirtualWorkerPortal;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The worker threads and thread-per-call executors the worker shapes hand work to, one JMH state
 * each, made once per trial and stopped at its tear-down (which fails the trial if they do not
 * stop).
 */
public final class Workers {

  private Workers() {}

  private static void stop(ExecutorService executor) throws InterruptedException {
    executor.shutdown();
    Loops.awaitStopped(
        executor.awaitTermination(Work.STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS), executor);
  }

  private static void stop(WorkerPortal worker) throws InterruptedException {
    worker.shutdown();
    Loops.awaitStopped(worker.awaitTermination(Work.STOP_WAIT), worker);
  }

  /** portal4j's platform backend: a {@link WorkerThreadPortal}, one platform thread, reused. */
  @State(Scope.Benchmark)
  public static class Portal4jPlatformWorker {
    public WorkerPortal worker;

    @Setup(Level.Trial)
    public void start() {
      worker =
          new WorkerThreadPortal(PortalOptions.builder().name("bench-platform-worker").build());
      worker.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Workers.stop(worker);
    }
  }

  /** portal4j's virtual backend: a {@link VirtualWorkerPortal}, reused. */
  @State(Scope.Benchmark)
  public static class Portal4jVirtualWorker {
    public WorkerPortal worker;

    @Setup(Level.Trial)
    public void start() {
      worker =
          new VirtualWorkerPortal(PortalOptions.builder().name("bench-virtual-worker").build());
      worker.start();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Workers.stop(worker);
    }
  }

  /**
   * portal4j's new-thread calls ({@code FromSync.callInNewThread}, a new run-once worker per call)
   * on the virtual backend, chosen as a user chooses it: {@code -Dportal4j.worker=virtual}.
   */
  @State(Scope.Benchmark)
  public static class Portal4jVirtualPerCall {
    @Setup(Level.Trial)
    public void choose() {
      BackendChoice.require(PortalKind.WORKER, "virtual");
    }
  }

  /**
   * Like {@link Portal4jVirtualPerCall} on the platform backend: {@code
   * -Dportal4j.worker=platform}.
   */
  @State(Scope.Benchmark)
  public static class Portal4jPlatformPerCall {
    @Setup(Level.Trial)
    public void choose() {
      BackendChoice.require(PortalKind.WORKER, "platform");
    }
  }

  /** The JDK: {@link Executors#newVirtualThreadPerTaskExecutor()}. */
  @State(Scope.Benchmark)
  public static class JdkVirtualPerTask {
    public ExecutorService executor;

    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newVirtualThreadPerTaskExecutor();
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Workers.stop(executor);
    }
  }

  /** The JDK: a new platform thread per task ({@link Executors#newThreadPerTaskExecutor}). */
  @State(Scope.Benchmark)
  public static class JdkPlatformPerTask {
    public ExecutorService executor;

    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory());
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Workers.stop(executor);
    }
  }

  /** The JDK: one virtual thread, reused ({@code newSingleThreadExecutor} on a virtual factory). */
  @State(Scope.Benchmark)
  public static class JdkVirtualSingle {
    public ExecutorService executor;

    @Setup(Level.Trial)
    public void start() {
      executor = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      Workers.stop(executor);
    }
  }

  /** Reactor: a bounded elastic pool of the kind of {@code Schedulers.boundedElastic()}. */
  @State(Scope.Benchmark)
  public static class ReactorBoundedElastic {
    public Scheduler scheduler;
    private TrackedThreads threads;

    @Setup(Level.Trial)
    public void start() {
      threads = new TrackedThreads("bench-reactor-elastic");
      scheduler =
          Schedulers.newBoundedElastic(
              Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
              Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
              threads,
              60);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      scheduler.dispose();
      threads.awaitEnded();
    }
  }
}

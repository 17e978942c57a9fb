package org.portal4j.examples.customportal;

import com.google.auto.service.AutoService;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * A WORKER backend named {@value #NAME}: every worker portal, including the run-once workers of
 * {@code FromSync.callInNewThread}, becomes an {@link ExecutorServiceWorkerPortal} over the
 * executor you hand to {@link #use(ExecutorService)}.
 *
 * <p>Registered with {@code @AutoService(PortalProvider.class)}, so {@link java.util.ServiceLoader}
 * finds it. Its priority is -1, below the built-in {@code platform} backend (0): it needs an
 * executor that the runtime cannot make, so it is never chosen by accident, only by name: {@code
 * -Dportal4j.worker=executor}. (A backend that needs no setup would use a priority above 100 to win
 * over {@code virtual} by just being on the class path.)
 *
 * <pre>{@code
 * ExecutorService pool = Executors.newFixedThreadPool(4);
 * ExecutorServicePortalProvider.use(pool);           // before the first worker
 * FromSync.callInNewThread(() -> work());            // runs on the pool, with -Dportal4j.worker=executor
 * }</pre>
 */
@AutoService(PortalProvider.class)
public final class ExecutorServicePortalProvider implements PortalProvider {

  /** The name that selects this backend: {@code -Dportal4j.worker=executor}. */
  public static final String NAME = "executor";

  private static final AtomicReference<ExecutorService> EXECUTOR = new AtomicReference<>();

  /** Required by {@link java.util.ServiceLoader}. */
  public ExecutorServicePortalProvider() {}

  /**
   * Sets the executor that worker portals made from now on run their calls on. Portals made before
   * keep theirs.
   *
   * @param executor your executor; this backend never shuts it down
   */
  public static void use(ExecutorService executor) {
    if (executor == null) {
      throw new NullPointerException("executor");
    }
    EXECUTOR.set(executor);
  }

  /** Forgets the executor: new workers fail until {@link #use} is called again. */
  public static void reset() {
    EXECUTOR.set(null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -1;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.WORKER);
  }

  /**
   * A new worker over the executor set by {@link #use}.
   *
   * @throws IllegalStateException if no executor was set: it reaches the caller of {@code
   *     Portals.newWorkerThread()} or {@code FromSync.callInNewThread(...)}
   */
  @Override
  public WorkerPortal newWorker(PortalOptions options) {
    ExecutorService executor = EXECUTOR.get();
    if (executor == null) {
      throw new IllegalStateException(
          "The '"
              + NAME
              + "' worker backend has no executor: call"
              + " ExecutorServicePortalProvider.use(yourExecutor) before the first worker");
    }
    return new ExecutorServiceWorkerPortal(executor, options);
  }
}

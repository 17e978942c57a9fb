package org.portal4j.core;

import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.portal4j.PortalOptions;
import org.portal4j.model.ModelChecks;
import org.portal4j.spi.support.AbstractWorkerPortal;

/**
 * {@link PortalLifecycleModelTest} for a run-once portal: it takes its first call and shuts itself
 * down behind it; every later submit is refused with {@link IllegalStateException} (the run-once
 * refusal wins over the shutdown one), and a start after the first call with {@link
 * java.util.concurrent.RejectedExecutionException}.
 */
public class RunOncePortalModelTest extends PortalLifecycleModelTest {

  private static final Executor ON_THE_CALLER = Runnable::run;

  @Override
  AbstractWorkerPortal newPortal() {
    return new AbstractWorkerPortal(
        PortalOptions.builder().runOnce(true).build(), "ModelledOnce", ON_THE_CALLER) {};
  }

  @Override
  @Test
  void everyInterleavingKeepsTheSequentialSpecificationAndTheRules() {
    ModelChecks.options().sequentialSpecification(Spec.class).check(getClass());
  }

  /** The sequential specification of a run-once portal. */
  public static class Spec {
    boolean submitted;
    boolean shutDown;

    public String submit() {
      if (submitted) {
        return "IllegalStateException";
      }
      if (shutDown) {
        return "RejectedExecutionException";
      }
      submitted = true;
      shutDown = true;
      return "accepted";
    }

    public String start() {
      return shutDown ? "RejectedExecutionException" : "started";
    }

    public void shutdown() {
      shutDown = true;
    }

    public boolean isShutdown() {
      return shutDown;
    }
  }
}

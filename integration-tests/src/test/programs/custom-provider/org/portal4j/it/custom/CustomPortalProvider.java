package org.portal4j.it.custom;

import java.util.EnumSet;
import java.util.Set;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;
import org.portal4j.core.WorkerThreadPortal;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;

/**
 * A third-party WORKER backend, as a user would write one: priority 1000 beats every built-in
 * backend, and its threads are {@link CustomWorkerThread}s named {@code custom-<portal name>}, so a
 * test can tell where calls ran. Registered in {@code META-INF/services}.
 */
public final class CustomPortalProvider implements PortalProvider {

  public CustomPortalProvider() {}

  @Override
  public String name() {
    return "custom";
  }

  @Override
  public int priority() {
    return 1000;
  }

  @Override
  public Set<PortalKind> kinds() {
    return EnumSet.of(PortalKind.WORKER);
  }

  @Override
  public WorkerPortal newWorker(PortalOptions options) {
    return new CustomWorkerPortal(options);
  }

  /** Core's worker, with threads of our own making. */
  static final class CustomWorkerPortal extends WorkerThreadPortal {
    CustomWorkerPortal(PortalOptions options) {
      super(options, (task, name) -> {
        Thread thread = new CustomWorkerThread(task, "custom-" + name);
        thread.setDaemon(options.daemon());
        return thread;
      });
    }
  }

  /** A marker class for the threads of this backend. */
  public static final class CustomWorkerThread extends Thread {
    CustomWorkerThread(Runnable task, String name) {
      super(task, name);
    }
  }
}

package org.portal4j.core;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.portal4j.Call;
import org.portal4j.Portal;
import org.portal4j.PortalOptions;
import org.portal4j.WorkerPortal;

/**
 * The portal behind {@link org.portal4j.Portals#newThreadPerCall()}: each call submitted to it goes
 * to a new run-once worker of the chosen backend, made at that moment. A call whose worker cannot
 * be made ends, cancelled with the failure as cause, which the submit then throws: the call was
 * handed over and must end.
 *
 * <p>Two of them exist: for calls nobody waits for, workers that keep the JVM alive until their
 * call ran; for calls a caller waits for (the router swaps them in), daemon workers, since the
 * waiting caller keeps the JVM alive.
 */
final class ThreadPerCallPortal implements Portal {

  private final Function<PortalOptions, WorkerPortal> workers;
  private final PortalOptions options;

  ThreadPerCallPortal(Function<PortalOptions, WorkerPortal> workers, boolean daemon) {
    this.workers = workers;
    this.options = PortalOptions.builder().runOnce(true).daemon(daemon).build();
  }

  @Override
  public <T extends @Nullable Object> Call<T> submit(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    if (call.runner().isPresent()) {
      call.setRunner(this); // refused as every portal refuses it, before a worker is made
    }
    WorkerPortal worker;
    try {
      worker = workers.apply(options);
    } catch (RuntimeException | Error e) {
      call.cancel(e);
      throw e;
    }
    return worker.submit(call);
  }

  @Override
  public String name() {
    return "NewThreadPerCall";
  }

  @Override
  public String toString() {
    return "ThreadPerCallPortal[" + (options.daemon() ? "daemon" : "non-daemon") + "]";
  }
}

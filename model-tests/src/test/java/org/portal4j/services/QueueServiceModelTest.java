package org.portal4j.services;

import static org.portal4j.model.ModelChecks.check;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.model.ModelChecks;
import org.portal4j.spi.support.AbstractLoopPortal;

/**
 * Model checks a queue service: senders putting items, a drain closing it, and its consumer (the
 * gate, the driver's baton, the progress count) in every interleaving. The service runs on a loop
 * whose tasks run on the thread that hands them over, so the consumer's turns are in the model.
 *
 * <p>Sequential specification ({@link Spec}): a running service takes every item; after a drain it
 * refuses them with {@link IllegalStateException}. Checked after each execution ({@link #rules()}):
 * every item it took was handled exactly once, each sender's in the order it sent them, none it
 * refused was; once drained and with its last item handled the service stopped, and its {@code
 * onStop} ran once; nothing is left pending.
 */
public class QueueServiceModelTest {

  private static final Executor ON_THE_CALLER = Runnable::run;

  private final RecordingService service = new RecordingService();
  private final LoopPortal loop =
      new AbstractLoopPortal(
          PortalOptions.defaults(), "ModelLoop", ON_THE_CALLER, Duration.ofSeconds(10)) {};
  private final ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<Integer, Thread> sender = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean drained;

  /** Records what it handles, on the loop. */
  static final class RecordingService extends QueueService<Integer> {
    final ConcurrentLinkedQueue<Integer> handled = new ConcurrentLinkedQueue<>();
    final AtomicInteger stops = new AtomicInteger();

    @Override
    protected CompletionStage<?> handle(Integer item) {
      handled.add(item);
      return null;
    }

    @Override
    protected CompletionStage<?> onStop() {
      stops.incrementAndGet();
      return null;
    }

    @Override
    protected Duration drainProgressInterval() {
      return null; // the progress log needs the real timer thread
    }
  }

  public QueueServiceModelTest() {
    service.open(new ServiceRegistry.Registration(RecordingService.class, null));
    service.startOn(loop);
  }

  @BeforeAll
  static void bindTheRuntimeOutsideTheModel() {
    Portals.backends();
  }

  @Operation
  public String send() {
    int item = next.incrementAndGet();
    sender.put(item, Thread.currentThread());
    try {
      service.send(item);
      taken.add(item);
      return "taken";
    } catch (IllegalStateException e) {
      return "refused";
    }
  }

  @Operation
  public void drain() {
    service.drainAsync();
    drained = true;
  }

  @Operation
  public boolean isRunning() {
    return service.isRunning();
  }

  @Validate
  public void rules() {
    List<Integer> handled = List.copyOf(service.handled);
    List<Integer> takenInOrder = List.copyOf(taken);
    check(
        handled.size() == takenInOrder.size() && handled.containsAll(takenInOrder),
        "handled " + handled + " but took " + takenInOrder);
    for (Thread thread : Set.copyOf(sender.values())) {
      List<Integer> its =
          handled.stream().filter(i -> sender.get(i) == thread).collect(Collectors.toList());
      check(isAscending(its), "one sender's items handled out of order: " + handled);
    }
    check(service.pendingCount() == 0, service.pendingCount() + " item(s) left pending");
    if (drained) {
      check(service.isStopped(), "drained and empty, but not stopped");
      check(service.stops.get() == 1, "onStop ran " + service.stops.get() + " times");
    } else {
      check(service.stops.get() == 0, "onStop ran without a drain");
    }
    loop.shutdown(); // a started loop stays registered as live until it terminates
  }

  /** Items are numbered as they are sent; one sender's are sent one after another. */
  private static boolean isAscending(List<Integer> items) {
    for (int i = 1; i < items.size(); i++) {
      if (items.get(i) < items.get(i - 1)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void everyInterleavingKeepsTheSequentialSpecificationAndTheRules() {
    // A service's turns are long to explore: fewer scenarios, the same depth.
    ModelChecks.options(6).sequentialSpecification(Spec.class).check(getClass());
  }

  /** The sequential specification of a queue service. */
  public static class Spec {
    private boolean drained;

    public String send() {
      return drained ? "refused" : "taken";
    }

    public void drain() {
      drained = true;
    }

    public boolean isRunning() {
      return !drained;
    }
  }
}

package org.portal4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The {@link java.util.concurrent.ExecutorService} of {@link Portals#asExecutorService}: every task
 * becomes a {@link Call} (made on the submitting thread, so it carries that thread's context) that
 * is submitted to the worker; the {@code Future}s handed out are views of those calls. Built on the
 * public API alone, so it works over any {@link WorkerPortal}, a user's included.
 *
 * <p>Lifecycle: {@code shutdown} is the portal's; {@code shutdownNow} also cancels every call
 * submitted through this adapter that has not ended (interrupting a running one) and returns the
 * tasks that never started; {@code isShutdown}, {@code isTerminated} and {@code awaitTermination}
 * are the portal's. Calls submitted to the portal directly are not this adapter's to cancel.
 */
final class WorkerPortalExecutorService extends AbstractExecutorService {

  private final WorkerPortal portal;

  /** Submitted through this adapter and not yet ended: what {@link #shutdownNow} cancels. */
  private final Set<CallTask<?>> live = ConcurrentHashMap.newKeySet();

  WorkerPortalExecutorService(WorkerPortal portal) {
    this.portal = portal;
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
    return new CallTask<>(callable, null);
  }

  @Override
  protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
    if (runnable == null) {
      throw new NullPointerException("task");
    }
    return new CallTask<>(
        () -> {
          runnable.run();
          return value;
        },
        runnable);
  }

  @Override
  public void execute(Runnable command) {
    if (command == null) {
      throw new NullPointerException("command");
    }
    CallTask<?> task =
        command instanceof CallTask && ((CallTask<?>) command).owner() == this
            ? (CallTask<?>) command
            : new CallTask<@Nullable Void>(
                () -> {
                  command.run();
                  return null;
                },
                command);
    live.add(task);
    try {
      portal.submit(task.call);
    } catch (RejectedExecutionException e) { // shut down: the call stays untouched
      live.remove(task);
      throw e;
    } catch (RuntimeException e) { // refused for a reason of the portal's own (run-once, ...)
      live.remove(task);
      throw new RejectedExecutionException(e.getMessage(), e);
    } catch (Error e) {
      live.remove(task);
      throw e;
    }
    task.call.addDoneCallback(c -> live.remove(task));
  }

  @Override
  public void shutdown() {
    portal.shutdown();
  }

  /**
   * Shuts the portal down and cancels every call submitted through this adapter that has not ended:
   * queued ones never run, running ones are interrupted.
   *
   * @return the tasks that never started, as submitted ({@code execute}'s {@code Runnable} itself,
   *     or a {@code Runnable} that runs a submitted {@code Callable}), in no particular order
   */
  @Override
  public List<Runnable> shutdownNow() {
    portal.shutdown();
    List<Runnable> neverStarted = new ArrayList<>();
    // Queued calls first: cancelling the running one first would free the worker to start the
    // next queued one before we got to it.
    for (boolean queuedOnly : new boolean[] {true, false}) {
      for (CallTask<?> task : live) {
        if (queuedOnly && task.call.isRunning()) {
          continue;
        }
        // The claim settles a call cancelled just as its function was starting: either the
        // function claimed the task first (it started, and is interrupted) or we did (it never
        // runs).
        if (task.call.cancel() && task.claimed.compareAndSet(false, true)) {
          neverStarted.add(task.original());
        }
        live.remove(task);
      }
    }
    return neverStarted;
  }

  @Override
  public boolean isShutdown() {
    return portal.isShutdown();
  }

  @Override
  public boolean isTerminated() {
    return portal.isShutdown() && !portal.isRunning();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return portal.awaitTermination(Duration.ofNanos(unit.toNanos(timeout)));
  }

  @Override
  public String toString() {
    return "ExecutorService(" + portal.name() + ")";
  }

  /**
   * A task and its call: the {@code Future} {@code submit} returns. Cancelling it cancels the call,
   * which interrupts the worker's thread if it is running (with {@code cancel(false)} too: a call
   * has one way to be cancelled). Running it runs the call on the current thread, if nobody has.
   */
  private final class CallTask<T extends @Nullable Object> implements RunnableFuture<T> {
    final Call<T> call;
    private final Callable<T> task;
    private final @Nullable Runnable runnable;

    /** Taken by the function as it starts, or by {@link #shutdownNow} for a task never started. */
    final AtomicBoolean claimed = new AtomicBoolean();

    CallTask(Callable<T> task, @Nullable Runnable runnable) {
      if (task == null) {
        throw new NullPointerException("task");
      }
      this.task = task;
      this.runnable = runnable;
      this.call = Call.of(this::runTask);
    }

    private T runTask() throws Exception {
      if (!claimed.compareAndSet(false, true)) {
        throw new CancellationException("returned by shutdownNow() as never started");
      }
      return task.call();
    }

    WorkerPortalExecutorService owner() {
      return WorkerPortalExecutorService.this;
    }

    Runnable original() {
      if (runnable != null) {
        return runnable;
      }
      return () -> {
        try {
          task.call();
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      };
    }

    @Override
    public void run() {
      if (!call.isDone() && !call.isRunning()) {
        try {
          call.run();
        } catch (IllegalStateException raced) {
          // another thread started it between our check and run(): it is theirs to run
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return call.cancel();
    }

    @Override
    public boolean isCancelled() {
      return call.isCancelled();
    }

    @Override
    public boolean isDone() {
      return call.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
      return call.toCompletableFuture().get();
    }

    @Override
    public T get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return call.toCompletableFuture().get(timeout, unit);
    }

    @Override
    public String toString() {
      return call.toString();
    }
  }
}

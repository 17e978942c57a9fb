package org.portal4j.examples.customportal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.portal4j.Call;
import org.portal4j.PortalOptions;
import org.portal4j.spi.support.AbstractWorkerPortal;
import org.portal4j.spi.support.Deadline;

/**
 * A portal whose calls run on a thread of yours (a UI thread, a game loop, a thread that owns a
 * non-thread-safe resource) whenever that thread asks for them with {@link #runPending()} or {@link
 * #runNext(Duration)}. Any thread may submit; use it with {@code FromSync.callIn(portal, ...)} to
 * run something on your thread and wait for the result.
 *
 * <p>The lifecycle is {@link AbstractWorkerPortal}'s (start, shutdown, run-once, every call taken
 * ends); the portal's "executor" is your thread: the portal hands it drain tasks, which your thread
 * runs when it pumps. Calls run once each, on the owner thread, in submission order. If the owner
 * stops pumping they wait (their timeouts still cancel them).
 *
 * <p>Bound to the owner thread: waiting on the owner for one of its calls that has not started
 * could never end (only the waiting thread could run it), so {@code FromSync.callIn} on the owner
 * fails fast with an {@link IllegalStateException} instead of hanging.
 */
public final class UserThreadPortal extends AbstractWorkerPortal {

  private final Thread owner;
  private final LinkedBlockingQueue<Runnable> drains;
  private int ran; // calls run by the current pump; touched by the owner thread only

  private UserThreadPortal(String name, Thread owner, LinkedBlockingQueue<Runnable> drains) {
    super(PortalOptions.builder().name(name).build(), "UserThread", drains::add);
    this.owner = owner;
    this.drains = drains;
  }

  /**
   * A portal for {@code owner}'s calls.
   *
   * @param name the portal's name
   * @param owner the only thread that runs its calls
   */
  public UserThreadPortal(String name, Thread owner) {
    this(requireName(name), requireOwner(owner), new LinkedBlockingQueue<>());
  }

  private static String requireName(String name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    return name;
  }

  private static Thread requireOwner(Thread owner) {
    if (owner == null) {
      throw new NullPointerException("owner");
    }
    return owner;
  }

  /**
   * A portal whose calls run on the current thread.
   *
   * @param name the portal's name
   * @return the portal
   */
  public static UserThreadPortal forCurrentThread(String name) {
    return new UserThreadPortal(name, Thread.currentThread());
  }

  /**
   * Runs the queued calls, in submission order, and those they queue meanwhile.
   *
   * @return how many calls ran
   * @throws IllegalStateException if the current thread is not the owner
   */
  public int runPending() {
    requireOwner();
    ran = 0;
    for (Runnable drain = drains.poll(); drain != null; drain = drains.poll()) {
      drain.run();
    }
    return ran;
  }

  /**
   * Waits for queued calls, at most {@code timeout}, and runs them.
   *
   * @param timeout how long to wait for a call; huge means forever
   * @return true if calls ran, false if none came in time
   * @throws InterruptedException if the owner is interrupted while waiting
   * @throws IllegalStateException if the current thread is not the owner
   */
  public boolean runNext(Duration timeout) throws InterruptedException {
    requireOwner();
    Deadline deadline = Deadline.after(timeout);
    Runnable drain =
        deadline.isNever()
            ? drains.take()
            : drains.poll(Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
    if (drain == null) {
      return false;
    }
    drain.run();
    return true;
  }

  private void requireOwner() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "Only "
              + owner.getName()
              + " runs the calls of "
              + name()
              + ", not "
              + Thread.currentThread().getName());
    }
  }

  @Override
  protected void runCall(Call<?> call) {
    ran++;
    call.run();
  }

  @Override
  public boolean runsOnlyOn(Thread thread) {
    return thread == owner;
  }

  @Override
  public Optional<Thread> thread() {
    return Optional.of(owner);
  }

  @Override
  public String toString() {
    return "UserThreadPortal[" + name() + " on " + owner.getName() + "]";
  }
}

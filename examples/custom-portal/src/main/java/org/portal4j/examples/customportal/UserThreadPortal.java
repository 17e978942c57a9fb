package org.portal4j.examples.customportal;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.portal4j.Call;
import org.portal4j.spi.ThreadBoundPortal;

/**
 * A portal whose calls run on a thread of yours (a UI thread, a game loop, a thread that owns a
 * non-thread-safe resource) whenever that thread asks for them with {@link #runPending()} or {@link
 * #runNext(Duration)}. Any thread may submit; use it with {@code FromSync.callIn(portal, ...)} to
 * run something on your thread and wait for the result.
 *
 * <p>Guarantees: {@link #submit} sets the runner and queues the call, and never throws after that
 * (the queue is unbounded); each call's {@link Call#run()} happens once, on the owner thread, in
 * submission order. Calls wait in the queue until the owner runs them: if the owner stops pumping,
 * they wait forever (their timeouts still cancel them).
 *
 * <p>It is a {@link ThreadBoundPortal}: waiting on the owner thread for one of its calls that has
 * not started could never end (only the waiting thread could run it), so {@code FromSync.callIn} on
 * the owner fails fast with an {@link IllegalStateException} instead of hanging.
 */
public final class UserThreadPortal implements ThreadBoundPortal {

  private final String name;
  private final Thread owner;
  private final LinkedBlockingQueue<Call<?>> queue = new LinkedBlockingQueue<>();

  /**
   * A portal for {@code owner}'s calls.
   *
   * @param name the portal's name
   * @param owner the only thread that runs its calls
   */
  public UserThreadPortal(String name, Thread owner) {
    if (name == null || owner == null) {
      throw new NullPointerException(name == null ? "name" : "owner");
    }
    this.name = name;
    this.owner = owner;
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

  @Override
  public <T> Call<T> submit(Call<T> call) {
    if (call == null) {
      throw new NullPointerException("call");
    }
    call.setRunner(this); // throws if the call was submitted elsewhere, before anything is queued
    queue.add(call); // unbounded: cannot fail, so the call is never lost
    return call;
  }

  /**
   * Runs the calls queued at this moment, in submission order (calls they submit wait for the next
   * time).
   *
   * @return how many calls ran
   * @throws IllegalStateException if the current thread is not the owner
   */
  public int runPending() {
    requireOwner();
    int count = queue.size();
    for (int i = 0; i < count; i++) {
      queue.remove().run();
    }
    return count;
  }

  /**
   * Waits for the next call, at most {@code timeout}, and runs it.
   *
   * @param timeout how long to wait for a call
   * @return true if a call ran, false if none came in time
   * @throws InterruptedException if the owner is interrupted while waiting
   * @throws IllegalStateException if the current thread is not the owner
   */
  public boolean runNext(Duration timeout) throws InterruptedException {
    requireOwner();
    Call<?> call = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (call == null) {
      return false;
    }
    call.run();
    return true;
  }

  private void requireOwner() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException(
          "Only "
              + owner.getName()
              + " runs the calls of "
              + name
              + ", not "
              + Thread.currentThread().getName());
    }
  }

  @Override
  public boolean runsOnlyOn(Thread thread) {
    return thread == owner;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "UserThreadPortal[" + name + " on " + owner.getName() + "]";
  }
}

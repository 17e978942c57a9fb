package org.portal4j;

/**
 * Thrown instead of blocking when a wait could never end: the call waited for can only make
 * progress through the waiting thread itself, directly or through a cycle of other threads that
 * each wait for the next. The message shows the cycle, thread by thread and call by call:
 *
 * <pre>
 * Deadlock: waiting here would close a cycle of waits:
 *   main waits for fetch (running on WorkerThread-1)
 *   WorkerThread-1 waits for render (queued on GlobalEventLoopThread)
 *   GlobalEventLoopThread waits for fetch-user (running on main)
 * </pre>
 *
 * <p>Nothing is cancelled: the call waited for is left as it was, so that the caller decides what
 * to do with it. It is an {@link IllegalStateException}, like every other wait portal4j refuses.
 *
 * @since 0.1
 */
public class DeadlockException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given message.
   *
   * @param message the cycle, thread by thread and call by call
   */
  public DeadlockException(String message) {
    super(message);
  }
}

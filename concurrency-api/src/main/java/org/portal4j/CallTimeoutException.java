package org.portal4j;

/**
 * Thrown when the outcome of a {@link Call} is asked for but the call's own timeout expired.
 *
 * <p>A timed-out call is also a cancelled call ({@link Call#isCancelled()} is true), so this is a
 * {@link CallCancelledException}. It is not {@link java.util.concurrent.TimeoutException}: that one
 * means only that a caller ran out of patience waiting, and leaves the call alone.
 *
 * @since 0.1
 */
public class CallTimeoutException extends CallCancelledException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with no message. */
  public CallTimeoutException() {}

  /**
   * Creates an exception with the given message.
   *
   * @param message the detail message, usually naming the call and its timeout
   */
  public CallTimeoutException(String message) {
    super(message);
  }
}

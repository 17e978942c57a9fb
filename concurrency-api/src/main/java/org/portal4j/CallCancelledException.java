package org.portal4j;

import java.util.concurrent.CancellationException;

/**
 * Thrown when the outcome of a {@link Call} is asked for but the call was cancelled, or when a
 * blocking wait for a call ends because the waiting thread was interrupted and the call was
 * cancelled in consequence.
 *
 * <p>It is a {@link CancellationException}, so code written against {@link
 * java.util.concurrent.Future} handles it without change.
 *
 * @since 0.1
 */
public class CallCancelledException extends CancellationException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with no message. */
  public CallCancelledException() {}

  /**
   * Creates an exception with the given message.
   *
   * @param message the detail message, usually naming the call
   */
  public CallCancelledException(String message) {
    super(message);
  }
}

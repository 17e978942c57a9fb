package org.portal4j.spi;

import java.util.Optional;
import org.portal4j.Portal;

/**
 * The runtime's hold on a live portal ({@link PortalSupport#register}): what it needs to end the
 * portal's calls when the JVM exits. Portals hand out a private handle, not themselves, so that
 * users of the portal cannot {@link #abandon} it.
 *
 * @since 0.1
 */
public interface PortalHandle {

  /**
   * The portal this handle stands for.
   *
   * @return the portal
   */
  Portal portal();

  /**
   * The thread that runs the portal's calls, if one does right now.
   *
   * @return the thread
   */
  Optional<Thread> thread();

  /**
   * Ends everything the portal still holds: cancels its queued calls, its running call, its pending
   * shutdown calls and its calls in flight, with {@code cause} as the cause, and makes the portal
   * take nothing more. For JVM exit; never returns before the cancels are done.
   *
   * @param cause why, the cause of each call's {@link org.portal4j.CallCancelledException}
   * @return how many calls it cancelled
   */
  int abandon(Throwable cause);
}

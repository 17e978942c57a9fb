package org.portal4j.internal;

import org.portal4j.Portal;

/**
 * A call whose runner a portal may take back: a portal that queues a call without its lock sets the
 * runner first, and when it then finds that it refuses the call (a shutdown came between), it
 * leaves the call as it found it, as {@link Portal#submit} promises. Implemented by the runtime's
 * own calls; a portal takes any other call under its lock, where it decides before it sets.
 */
public interface WithdrawableCall {

  /**
   * Clears the runner if it is {@code portal}, so that the call can be submitted again.
   *
   * @param portal the portal that refuses the call after setting itself as its runner
   */
  void withdrawFrom(Portal portal);
}

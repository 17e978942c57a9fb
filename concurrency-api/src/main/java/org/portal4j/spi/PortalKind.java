package org.portal4j.spi;

/**
 * The kinds of portal a {@link PortalProvider} can make.
 *
 * @since 0.1
 */
public enum PortalKind {
  /** Worker portals ({@link org.portal4j.WorkerPortal}): calls run on a thread of their own. */
  WORKER,
  /** Event loops ({@link org.portal4j.LoopPortal}): one thread runs many calls without blocking. */
  LOOP
}

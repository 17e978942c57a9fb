/**
 * Base classes for writing portals: {@link org.portal4j.spi.support.AbstractWorkerPortal} and
 * {@link org.portal4j.spi.support.AbstractLoopPortal} own the lifecycle (start, submit, shutdown,
 * grace, termination) so that a portal says only where its calls run, and {@link
 * org.portal4j.spi.support.Deadline} reads every timed wait the same way.
 *
 * <p>Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j.spi.support;

import org.jspecify.annotations.NullMarked;

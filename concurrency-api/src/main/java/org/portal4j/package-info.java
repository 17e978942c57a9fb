/**
 * portal4j's API: {@link org.portal4j.Call} (a captured function call), the portals calls run on
 * ({@link org.portal4j.Portal}, {@link org.portal4j.WorkerPortal}, {@link org.portal4j.LoopPortal},
 * made by {@link org.portal4j.Portals}), waiters that run callbacks while they wait ({@link
 * org.portal4j.Waiter}, {@link org.portal4j.Waiters}), context variables ({@link
 * org.portal4j.ContextKey}), and the entry points {@link org.portal4j.FromSync} and {@link
 * org.portal4j.FromAsync}.
 *
 * <p>Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}; a null
 * where none is allowed is an error (most methods throw {@link NullPointerException}). A call's
 * result type may be nullable: a function may return null.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j;

import org.jspecify.annotations.NullMarked;

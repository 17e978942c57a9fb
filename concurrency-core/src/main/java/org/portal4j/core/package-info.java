/**
 * portal4j's default runtime ({@link org.portal4j.core.CoreRuntime}): calls with their state
 * machine, waiters, the wait-for graph that detects deadlocks, the choice of backend per portal
 * kind, the registry of live portals and what happens to them at JVM exit, and the built-in {@code
 * platform} backend ({@link org.portal4j.core.PlatformPortalProvider}: {@link
 * org.portal4j.core.WorkerThreadPortal}, {@link org.portal4j.core.EventLoopPortal}).
 *
 * <p>Not exported from the module {@code org.portal4j.core}: applications use the API module, which
 * finds this runtime as a service. Nothing here is null unless marked {@link
 * org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package org.portal4j.core;

import org.jspecify.annotations.NullMarked;

/**
 * The service provider interface: what a runtime ({@link org.portal4j.spi.ConcurrencyRuntime} and
 * its factories) and a backend ({@link org.portal4j.spi.PortalProvider}) implement, found with
 * {@link java.util.ServiceLoader}. Users of portal4j never call it.
 *
 * <p>Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j.spi;

import org.jspecify.annotations.NullMarked;

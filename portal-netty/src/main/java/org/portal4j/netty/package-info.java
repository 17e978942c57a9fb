/**
 * The {@code netty} backend: event-loop portals on Netty event loops ({@link
 * org.portal4j.netty.NettyPortalProvider}), and {@link org.portal4j.netty.NettyPortals} to wrap a
 * Netty loop the application already has.
 *
 * <p>Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j.netty;

import org.jspecify.annotations.NullMarked;

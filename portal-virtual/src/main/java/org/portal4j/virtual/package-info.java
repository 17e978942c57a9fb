/**
 * The {@code virtual} backend: worker portals on virtual threads ({@link
 * org.portal4j.virtual.VirtualWorkerPortal}), chosen over the platform backend on Java 21+ when
 * this jar is present ({@link org.portal4j.virtual.VirtualPortalProvider}).
 *
 * <p>Not exported from the module {@code org.portal4j.virtual}: the runtime finds the provider as a
 * service. Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package org.portal4j.virtual;

import org.jspecify.annotations.NullMarked;

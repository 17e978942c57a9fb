/**
 * portal4j's bridge to Micrometer's context-propagation library. Users never name its class: the
 * jar on the class or module path is all there is to do.
 *
 * <p>Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j.micrometer;

import org.jspecify.annotations.NullMarked;

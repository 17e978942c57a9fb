/**
 * The binding of the API to its runtime ({@link org.portal4j.internal.RuntimeBinding}) and how long
 * portal4j's waits spin ({@link org.portal4j.internal.SpinWait}), for portal4j's own modules only:
 * the module {@code org.portal4j} exports it to {@code org.portal4j.core}, {@code
 * org.portal4j.services} and {@code org.portal4j.netty} alone. Not an API; it may change in any
 * release.
 */
@NullMarked
package org.portal4j.internal;

import org.jspecify.annotations.NullMarked;

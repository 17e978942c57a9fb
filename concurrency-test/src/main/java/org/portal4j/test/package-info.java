/**
 * JUnit 5 support for code that starts threads: {@link org.portal4j.test.CheckThreadLeaks} fails a
 * test that leaves threads running, through {@link org.portal4j.test.ThreadLeakExtension}.
 *
 * <p>Nothing here is null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package org.portal4j.test;

import org.jspecify.annotations.NullMarked;

package org.portal4j.core;

import org.jspecify.annotations.Nullable;

/**
 * Tells virtual threads from platform ones on Java 17 too ({@code Thread.isVirtual()} is Java 21),
 * for the per-thread tables that keep a platform thread's entry between uses and drop a virtual
 * thread's at once (one is usually made for one task).
 */
final class VirtualThreads {

  /** {@code java.lang.VirtualThread}, or null before Java 21. */
  private static final @Nullable Class<?> VIRTUAL = virtualThreadClass();

  private VirtualThreads() {}

  private static @Nullable Class<?> virtualThreadClass() {
    try {
      return Class.forName("java.lang.VirtualThread");
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** Whether {@code thread} is virtual; one class comparison. */
  static boolean isVirtual(Thread thread) {
    return thread.getClass() == VIRTUAL;
  }
}

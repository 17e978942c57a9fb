package org.portal4j.spi.support;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the JVM alive for portals whose threads cannot (virtual threads are always daemons) while
 * they were asked not to be daemons: one non-daemon platform thread, {@value #THREAD_NAME}, lives
 * while at least one such portal is live, and ends when the last one terminates.
 */
final class KeepAlive {

  static final String THREAD_NAME = "portal4j-keep-alive";

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static int holders; // guarded by LOCK
  private static @Nullable Thread thread; // guarded by LOCK; the live keeper, if any

  private KeepAlive() {}

  /** Counts one more holder; starts the keeper if there is none. */
  static void acquire() {
    LOCK.lock();
    try {
      holders++;
      if (thread == null) {
        Thread keeper = new Thread(KeepAlive::keep, THREAD_NAME);
        keeper.setDaemon(false);
        keeper.start(); // may throw (no native thread): then nothing was counted
        thread = keeper;
      }
    } catch (RuntimeException | Error e) {
      holders--;
      throw e;
    } finally {
      LOCK.unlock();
    }
  }

  /** Counts one holder less; the keeper ends once none is left. */
  static void release() {
    Thread keeper;
    LOCK.lock();
    try {
      holders--;
      keeper = holders == 0 ? thread : null;
    } finally {
      LOCK.unlock();
    }
    if (keeper != null) {
      LockSupport.unpark(keeper);
    }
  }

  private static void keep() {
    while (true) {
      LOCK.lock();
      try {
        if (holders == 0) {
          thread = null;
          return;
        }
      } finally {
        LOCK.unlock();
      }
      LockSupport.park(KeepAlive.class); // interrupts and spurious wake-ups just look again
      Thread.interrupted();
    }
  }
}

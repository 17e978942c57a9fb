package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.ContextKey;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;

/**
 * The thread-to-loop binding: a scope binds the thread, closing it restores what was there before,
 * and an executor-driven loop, which binds its thread once per drain, allocates nothing to do it;
 * nor does asking for the current loop off a loop, which every sync-to-loop call does.
 */
@Timeout(60)
class CurrentLoopTest {

  @Test
  void closingABindingRestoresTheLoopBoundBefore() {
    LoopPortal outer = Portals.newEventLoopThread();
    LoopPortal inner = Portals.newEventLoopThread();
    try {
      try (ContextKey.Scope o = CurrentLoop.bind(outer)) {
        try (ContextKey.Scope i = CurrentLoop.bind(inner)) {
          assertEquals(Optional.of(inner), CurrentLoop.get());
        }
        assertEquals(Optional.of(outer), CurrentLoop.get());
      }
      assertEquals(Optional.empty(), CurrentLoop.get());
    } finally {
      outer.shutdown();
      inner.shutdown();
    }
  }

  @Test
  void bindingAThreadOncePerDrainAllocatesNothing() {
    LoopPortal loop = Portals.newEventLoopThread();
    try {
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      CurrentLoop.bind(loop).close(); // the thread's first binding makes its entry
      int binds = 2_000;
      long allocated = Long.MAX_VALUE; // the fewest of five batches: a thread-local table may grow
      for (int batch = 0; batch < 5; batch++) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < binds; i++) {
          CurrentLoop.bind(loop).close();
        }
        allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
      }
      // A thread-local entry made anew per bind is 32 bytes; a scope per bind at least 16.
      assertTrue(allocated < 8L * binds, allocated + " bytes for " + binds + " binds");
      assertEquals(Optional.empty(), CurrentLoop.get());
    } finally {
      loop.shutdown();
    }
  }

  @Test
  void askingForTheCurrentLoopOffALoopAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertEquals(Optional.empty(), Portals.currentLoop()); // the backend is chosen now
    int asks = 2_000;
    long allocated = Long.MAX_VALUE; // the fewest of five batches: a thread-local table may grow
    for (int batch = 0; batch < 5; batch++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < asks; i++) {
        Portals.currentLoop();
      }
      allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertTrue(allocated < 8L * asks, allocated + " bytes for " + asks + " asks");
  }
}

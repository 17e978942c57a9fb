package org.portal4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Context keys: per-thread values, scopes that restore, snapshots that travel. Joins its threads.
 */
@SuppressWarnings("try") // scopes are opened for their effect on the thread, not referenced
@Timeout(30)
class ContextKeyTest {

  private final ContextKey<String> user = ContextKey.named("user");
  private final ContextKey<Integer> attempt = ContextKey.named("attempt");

  @AfterEach
  void nothingLeftSet() {
    assertNull(user.get(), "a test left a value set");
    assertNull(attempt.get(), "a test left a value set");
  }

  /** Runs {@code task} on a new thread and returns what it returned. */
  private static <T> T onAnotherThread(Callable<T> task) throws Exception {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                outcome.complete(task.call());
              } catch (Throwable e) {
                outcome.completeExceptionally(e);
              }
            },
            "context-key-test");
    thread.start();
    try {
      return outcome.get(10, TimeUnit.SECONDS);
    } finally {
      thread.join(TimeUnit.SECONDS.toMillis(10));
      assertFalse(thread.isAlive());
    }
  }

  @Test
  void getIsNullWhenUnset() {
    assertNull(user.get());
  }

  @Test
  void namedRejectsNull() {
    assertThrows(NullPointerException.class, () -> ContextKey.named(null));
  }

  @Test
  void setThenCloseRestoresThePreviousValue() {
    try (ContextKey.Scope outer = user.set("alice")) {
      assertEquals("alice", user.get());
      try (ContextKey.Scope inner = user.set("bob")) {
        assertEquals("bob", user.get());
      }
      assertEquals("alice", user.get());
    }
    assertNull(user.get());
  }

  @Test
  void settingNullUnsetsUntilClosed() {
    try (ContextKey.Scope outer = user.set("alice")) {
      try (ContextKey.Scope cleared = user.set(null)) {
        assertNull(user.get());
      }
      assertEquals("alice", user.get());
    }
  }

  @Test
  void closingTwiceIsHarmless() {
    try (ContextKey.Scope outer = user.set("alice")) {
      ContextKey.Scope inner = user.set("bob");
      inner.close();
      inner.close();
      assertEquals("alice", user.get());
    }
  }

  @Test
  void keysWithTheSameNameAreDifferentVariables() {
    ContextKey<String> twin = ContextKey.named("user");
    try (ContextKey.Scope s = user.set("alice")) {
      assertNull(twin.get());
    }
  }

  @Test
  void keysAreIndependent() {
    try (ContextKey.Scope u = user.set("alice");
        ContextKey.Scope a = attempt.set(3)) {
      try (ContextKey.Scope changed = attempt.set(4)) {
        assertEquals("alice", user.get());
        assertEquals(4, attempt.get());
      }
      assertEquals(3, attempt.get());
    }
  }

  @Test
  void valuesArePerThreadAndNotInherited() throws Exception {
    try (ContextKey.Scope s = user.set("main")) {
      String seenThere =
          onAnotherThread(
              () -> {
                String inherited = user.get();
                try (ContextKey.Scope there = user.set("other")) {
                  return inherited + "/" + user.get();
                }
              });

      assertEquals("null/other", seenThere);
      assertEquals("main", user.get(), "another thread's set must not leak here");
    }
  }

  @Test
  void aSnapshotCarriesValuesToAnotherThreadAndAttachRestoresOnClose() throws Exception {
    ContextKey.Snapshot snapshot;
    try (ContextKey.Scope u = user.set("alice");
        ContextKey.Scope a = attempt.set(1)) {
      snapshot = ContextKey.snapshot();
      try (ContextKey.Scope later = user.set("changed after the snapshot")) {
        // the snapshot is immutable
      }
    }

    String seen =
        onAnotherThread(
            () -> {
              try (ContextKey.Scope own = user.set("own")) {
                String attached;
                try (ContextKey.Scope scope = snapshot.attach()) {
                  attached = user.get() + "," + attempt.get();
                }
                return attached + "|" + user.get() + "," + attempt.get();
              }
            });

    assertEquals("alice,1|own,null", seen);
  }

  @Test
  void aSnapshotIsNotChangedByLaterSets() {
    ContextKey.Snapshot snapshot;
    try (ContextKey.Scope u = user.set("before")) {
      snapshot = ContextKey.snapshot();
      try (ContextKey.Scope after = user.set("after")) {
        try (ContextKey.Scope attached = snapshot.attach()) {
          assertEquals("before", user.get());
        }
        assertEquals("after", user.get());
      }
    }
  }

  @Test
  void toStringNamesTheKey() {
    assertTrue(user.toString().contains("user"), user.toString());
  }

  @Test
  void theSameKeyHoldsDifferentValuesOnDifferentThreadsAtOnce() throws Exception {
    AtomicReference<String> there = new AtomicReference<>();
    try (ContextKey.Scope s = user.set("here")) {
      onAnotherThread(
          () -> {
            try (ContextKey.Scope own = user.set("there")) {
              there.set(user.get());
            }
            return null;
          });
      assertEquals("here", user.get());
    }
    assertEquals("there", there.get());
  }
}

package org.portal4j;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A context variable: a thread-local value that a {@link Call} captures when it is created and
 * restores on whichever thread runs it (Java's answer to Python's {@code contextvars}).
 *
 * <p>Keys are compared by identity: two keys with the same name are different variables. Values are
 * per thread and never inherited by new threads; they travel with calls, or explicitly with a
 * {@link Snapshot}.
 *
 * <pre>{@code
 * static final ContextKey<String> REQUEST_ID = ContextKey.named("requestId");
 * try (ContextKey.Scope s = REQUEST_ID.set("r-42")) {
 *   FromSync.callInNewThread(() -> REQUEST_ID.get());   // "r-42"
 * }
 * }</pre>
 *
 * <p>Taking a snapshot is a single read (the values are kept in an immutable map that {@link #set}
 * replaces), so capturing context costs nothing on the hot path.
 *
 * @param <T> the value type
 * @since 0.1
 */
public final class ContextKey<T> {

  private static final ThreadLocal<Map<ContextKey<?>, Object>> VALUES =
      ThreadLocal.withInitial(Map::of);

  private static final Snapshot EMPTY = new Snapshot(Map.of());

  private final String name;

  private ContextKey(String name) {
    this.name = name;
  }

  /**
   * A new key.
   *
   * @param name a name for {@code toString()}
   * @param <T> the value type
   * @return a key distinct from every other
   * @throws NullPointerException if {@code name} is null
   */
  public static <T> ContextKey<T> named(String name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    return new ContextKey<>(name);
  }

  /**
   * The value on this thread.
   *
   * @return the value, null when unset
   */
  @SuppressWarnings("unchecked")
  public @Nullable T get() {
    return (T) VALUES.get().get(this);
  }

  /**
   * Sets the value on this thread until the returned scope is closed.
   *
   * @param value the value; null unsets it
   * @return a scope whose {@code close()} restores the previous value
   */
  public Scope set(@Nullable T value) {
    T previous = get();
    put(value);
    return () -> put(previous);
  }

  private void put(@Nullable Object value) {
    Map<ContextKey<?>, Object> copy = new HashMap<>(VALUES.get());
    if (value == null) {
      copy.remove(this);
    } else {
      copy.put(this, value);
    }
    VALUES.set(copy.isEmpty() ? Map.of() : Collections.unmodifiableMap(copy));
  }

  /**
   * The values of every key on this thread, to carry to another thread.
   *
   * @return an immutable snapshot
   */
  public static Snapshot snapshot() {
    Map<ContextKey<?>, Object> values = VALUES.get();
    return values.isEmpty() ? EMPTY : new Snapshot(values);
  }

  @Override
  public String toString() {
    return "ContextKey(" + name + ")";
  }

  /** Restores an empty context without allocating a scope per call. */
  private static final Scope RESTORE_EMPTY = () -> VALUES.set(Map.of());

  /**
   * Restores what was there before; closing twice is harmless.
   *
   * @since 0.1
   */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * The values of all keys on one thread at one moment. Immutable and thread-safe.
   *
   * @since 0.1
   */
  public static final class Snapshot {
    private final Map<ContextKey<?>, Object> values;

    private Snapshot(Map<ContextKey<?>, Object> values) {
      this.values = values;
    }

    /**
     * Makes these the values on the current thread until the returned scope is closed.
     *
     * @return a scope whose {@code close()} restores the thread's previous values
     */
    public Scope attach() {
      Map<ContextKey<?>, Object> previous = VALUES.get();
      if (previous.isEmpty()) {
        if (!values.isEmpty()) {
          VALUES.set(values);
        }
        return RESTORE_EMPTY; // also undoes a value the caller set and forgot to close
      }
      VALUES.set(values);
      return () -> VALUES.set(previous);
    }

    /**
     * Whether it holds no value.
     *
     * @return true if no key had a value when it was taken
     */
    public boolean isEmpty() {
      return values.isEmpty();
    }
  }
}

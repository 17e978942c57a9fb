package org.portal4j.core;

import java.util.ArrayList;
import java.util.List;
import org.portal4j.ContextKey;
import org.portal4j.spi.ContextPropagator;
import org.slf4j.MDC;

/**
 * A custom propagator for tests: carries its own {@code ThreadLocal<String>} and, while {@link
 * #record} is on, writes each open and close to a shared log (with the MDC entry {@code "order"} it
 * saw then, which shows where the built-in propagators stand). Registered in core's test resources
 * ({@code META-INF/services}) by its subclasses, so that every call of the test JVM carries them;
 * with no value set they carry null and change nothing.
 */
public abstract class TestPropagator implements ContextPropagator<String> {

  private static final List<String> EVENTS = new ArrayList<>();
  private static volatile boolean recording;

  private final ThreadLocal<String> value;

  TestPropagator(ThreadLocal<String> value) {
    this.value = value;
  }

  private void set(String v) {
    if (v == null) {
      value.remove();
    } else {
      value.set(v);
    }
  }

  /** Starts recording opens and closes, forgetting what was recorded before. */
  public static void record() {
    synchronized (EVENTS) {
      EVENTS.clear();
    }
    recording = true;
  }

  /** Stops recording and returns what was recorded. */
  public static List<String> stopRecording() {
    recording = false;
    synchronized (EVENTS) {
      return List.copyOf(EVENTS);
    }
  }

  static void event(String what) {
    if (recording) {
      synchronized (EVENTS) {
        EVENTS.add(what);
      }
    }
  }

  String name() {
    return getClass().getSimpleName();
  }

  @Override
  public String capture() {
    return value.get();
  }

  @Override
  public ContextKey.Scope restore(String v) {
    String previous = value.get();
    set(v);
    event("open " + name() + " " + v + " mdc=" + MDC.get("order"));
    return () -> {
      event("close " + name() + " mdc=" + MDC.get("order"));
      set(previous);
    };
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;
import org.portal4j.spi.ContextPropagator;

/** Propagators that fail to load are skipped with a WARN; the others load in order. */
class ContextPropagatorLoadingTest {

  /**
   * Hands out what it was given; a Throwable is thrown from next() instead, as ServiceLoader does.
   */
  @SuppressWarnings("rawtypes")
  private static Iterator<ContextPropagator> serving(Object... items) {
    Iterator<Object> it = List.of(items).iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public ContextPropagator next() {
        Object item = it.next();
        if (item instanceof RuntimeException) {
          throw (RuntimeException) item;
        }
        if (item instanceof Error) {
          throw (Error) item;
        }
        return (ContextPropagator) item;
      }
    };
  }

  @Test
  void aProviderThatFailsToLoadIsSkippedWithAWarnAndTheOthersLoad() {
    ContextPropagator<?> first = new OuterTestPropagator();
    ContextPropagator<?> second = new InnerTestPropagator();
    try (LogCapture logs = LogCapture.start()) {
      ContextPropagator<Object>[] loaded =
          ContextPropagators.discover(
              serving(
                  first,
                  new ServiceConfigurationError("Provider com.example.Broken could not be"),
                  new NoClassDefFoundError("io/example/Missing"),
                  second));

      assertArrayEquals(new Object[] {first, second}, loaded);
      assertTrue(
          logs.messages(Level.WARN).stream().filter(m -> m.contains("failed to load")).count() == 2,
          () -> "one WARN per failure; got " + logs.messages(Level.WARN));
    }
  }

  @Test
  void noProvidersMeansTheSharedEmptyArray() {
    assertSame(ContextPropagators.NONE, ContextPropagators.discover(serving()));
  }

  @Test
  void aServiceFileThatFailsForeverDoesNotHangTheLoader() {
    @SuppressWarnings("rawtypes")
    Iterator<ContextPropagator> forever =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            throw new ServiceConfigurationError("broken for ever");
          }

          @Override
          public ContextPropagator next() {
            throw new NoSuchElementException();
          }
        };
    try (LogCapture logs = LogCapture.start()) {
      assertSame(ContextPropagators.NONE, ContextPropagators.discover(forever));
    }
  }
}

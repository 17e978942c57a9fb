package org.portal4j.netty;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures what portal4j logs while open: {@code try (LogCapture logs = LogCapture.start()) {...}}.
 * Events are kept in memory only (like core's test helper of the same name).
 */
final class LogCapture implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger("org.portal4j");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  static LogCapture start() {
    return new LogCapture();
  }

  /** A snapshot of the events so far. */
  List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase.doAppend holds this monitor
      return List.copyOf(appender.list);
    }
  }

  /** Waits until an event matches, failing after {@code deadline}. */
  ILoggingEvent await(Predicate<ILoggingEvent> matcher, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      for (ILoggingEvent event : events()) {
        if (matcher.test(event)) {
          return event;
        }
      }
      Thread.sleep(10); // polling a state with a deadline, not waiting for it to happen
    }
    throw new AssertionError("No matching log event within " + deadline + "; got " + events());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}

package org.portal4j.services;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures what portal4j logs while open: {@code try (LogCapture logs = LogCapture.start()) {...}}.
 * Events are kept in memory only; nothing reaches the console.
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

  /** The formatted messages of the events at {@code level}. */
  List<String> messages(Level level) {
    return events().stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}

package org.portal4j.core;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures what portal4j logs while open: {@code try (LogCapture logs = LogCapture.start()) {...}}.
 * Events are kept in memory only; nothing reaches the console. Shared with the other test packages
 * and, through core's test-jar, with the backend modules.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger("org.portal4j");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** A snapshot of the events so far. */
  public List<ILoggingEvent> events() {
    synchronized (appender) { // AppenderBase.doAppend holds this monitor
      return List.copyOf(appender.list);
    }
  }

  public List<ILoggingEvent> at(Level level) {
    return events().stream().filter(e -> e.getLevel() == level).collect(Collectors.toList());
  }

  /** The formatted messages of the events at {@code level}. */
  public List<String> messages(Level level) {
    return at(level).stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  /** Waits until an event matches, failing after {@code deadline}. */
  public ILoggingEvent await(Predicate<ILoggingEvent> matcher, Duration deadline)
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

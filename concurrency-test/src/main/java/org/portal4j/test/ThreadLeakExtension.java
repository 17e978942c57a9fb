package org.portal4j.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link CheckThreadLeaks}: fails a test that leaves behind a
 * platform thread it started.
 *
 * <p>Usually enabled with the annotation, which also configures it:
 *
 * <pre>{@code
 * @CheckThreadLeaks(graceMillis = 500, ignore = "my-cache-cleaner")
 * class MyTest { ... }
 * }</pre>
 *
 * Registering it directly, with {@code @ExtendWith(ThreadLeakExtension.class)} or
 * {@code @RegisterExtension}, applies the defaults of {@link CheckThreadLeaks} unless an annotation
 * is present.
 *
 * <p>Before each test it records which platform threads are alive. After each test (after the
 * test's {@code @AfterEach} methods, so cleanup there counts) it waits, up to the grace period, for
 * every thread that is alive now but was not before to end, and fails the test with an {@link
 * AssertionError} listing each one still alive: name, id, state, daemon flag and full stack trace.
 * Both callbacks run on the test's thread.
 *
 * <p>Not reported, besides the names given in {@link CheckThreadLeaks#ignore()}: threads the JVM,
 * the build tool and portal4j start lazily once and keep for the life of the JVM (the {@code
 * portal4j-timeout-scheduler}, the {@code GlobalEventLoopThread}, fork-join pool workers, which
 * include virtual-thread carriers, {@code Common-Cleaner}, JUnit's timeout watcher and the like).
 * Starting one of them during a test is not a leak.
 *
 * <p>Limits: only platform threads are seen, since {@link Thread#getAllStackTraces()} does not list
 * virtual threads; and threads are compared across the whole JVM, so tests running in parallel in
 * the same JVM would see each other's threads.
 *
 * @since 0.1
 */
public final class ThreadLeakExtension implements BeforeEachCallback, AfterEachCallback {

  static final long DEFAULT_GRACE_MILLIS = 5000;

  private static final List<Pattern> BUILT_IN_IGNORED =
      Stream.of(
              "portal4j-timeout-scheduler",
              "GlobalEventLoopThread.*",
              "ForkJoinPool\\.commonPool-worker-.*",
              "ForkJoinPool-\\d+-worker-.*",
              // JDK 25+: a pool's timer thread, kept for the pool's (here the JVM's) life.
              "ForkJoinPool.*-delayScheduler",
              "Common-Cleaner",
              "Attach Listener",
              "process reaper.*",
              "InnocuousThread-.*",
              "surefire-forkedjvm-.*",
              "Notification Thread",
              "Signal Dispatcher",
              "Reference Handler",
              "Finalizer",
              // The JDK's, started with the first virtual thread and kept for the JVM's life.
              "VirtualThread-unblocker",
              // Netty's shared executor: started on demand, ends itself after a second idle.
              "globalEventExecutor-\\d+-\\d+",
              // Started by the first @Timeout test and kept until the engine run ends.
              "junit-jupiter-timeout-watcher")
          .map(Pattern::compile)
          .toList();

  private static final Namespace NAMESPACE = Namespace.create(ThreadLeakExtension.class);
  private static final String WATCH = "watch";

  /** What one test's check needs; taken before the test so a bad configuration fails early. */
  private record Watch(Set<Thread> before, long graceMillis, List<Pattern> ignored) {}

  /** Creates the extension; JUnit calls this when the extension is registered declaratively. */
  public ThreadLeakExtension() {}

  @Override
  public void beforeEach(ExtensionContext context) {
    Optional<CheckThreadLeaks> config = findConfig(context);
    long graceMillis = config.map(CheckThreadLeaks::graceMillis).orElse(DEFAULT_GRACE_MILLIS);
    if (graceMillis < 0) {
      throw new ExtensionConfigurationException(
          "@CheckThreadLeaks(graceMillis = " + graceMillis + ") must not be negative");
    }
    List<Pattern> ignored = new ArrayList<>(BUILT_IN_IGNORED);
    for (String regex : config.map(CheckThreadLeaks::ignore).orElse(new String[0])) {
      try {
        ignored.add(Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw new ExtensionConfigurationException(
            "@CheckThreadLeaks(ignore) holds an invalid regex: " + regex, e);
      }
    }
    context.getStore(NAMESPACE).put(WATCH, new Watch(liveThreads(), graceMillis, ignored));
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    Watch watch = context.getStore(NAMESPACE).remove(WATCH, Watch.class);
    if (watch == null) {
      return; // beforeEach never ran for this test, so there is nothing to compare with
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(watch.graceMillis());
    List<Thread> started = startedDuring(watch);
    // Re-read the thread list after each join: a thread we wait for may start others.
    while (!started.isEmpty()) {
      long remainingNanos = deadline - System.nanoTime();
      if (remainingNanos <= 0) {
        break;
      }
      // At least 1 ms: join(0) would wait forever.
      started.get(0).join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos)));
      started = startedDuring(watch);
    }
    if (!started.isEmpty()) {
      fail(describe(started, watch.graceMillis()));
    }
  }

  /** The annotation closest to the test: on the method, its class, then enclosing classes. */
  private static Optional<CheckThreadLeaks> findConfig(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      Optional<CheckThreadLeaks> found =
          AnnotationSupport.findAnnotation(c.getElement(), CheckThreadLeaks.class);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Set<Thread> liveThreads() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    threads.addAll(Thread.getAllStackTraces().keySet());
    return threads;
  }

  private static List<Thread> startedDuring(Watch watch) {
    List<Thread> started = new ArrayList<>();
    for (Thread thread : liveThreads()) {
      if (thread.isAlive()
          && !watch.before().contains(thread)
          && !isIgnored(thread.getName(), watch.ignored())) {
        started.add(thread);
      }
    }
    started.sort(Comparator.comparingLong(Thread::getId)); // creation order: stable messages
    return started;
  }

  private static boolean isIgnored(String name, List<Pattern> ignored) {
    return ignored.stream().anyMatch(p -> p.matcher(name).matches());
  }

  private static String describe(List<Thread> leaked, long graceMillis) {
    StringBuilder message =
        new StringBuilder()
            .append(leaked.size())
            .append(leaked.size() == 1 ? " thread" : " threads")
            .append(" started during the test still alive after ")
            .append(graceMillis)
            .append(" ms. Stop them in the test or an @AfterEach method, raise")
            .append(" @CheckThreadLeaks(graceMillis), or name them in @CheckThreadLeaks(ignore).");
    for (Thread thread : leaked) {
      message
          .append("\n\n\"")
          .append(thread.getName())
          .append('"')
          .append(" id=")
          .append(thread.getId())
          .append(" state=")
          .append(thread.getState())
          .append(" daemon=")
          .append(thread.isDaemon());
      for (StackTraceElement frame : thread.getStackTrace()) {
        message.append("\n\tat ").append(frame);
      }
    }
    return message.toString();
  }
}

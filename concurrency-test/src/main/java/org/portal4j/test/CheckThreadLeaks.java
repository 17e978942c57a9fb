package org.portal4j.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails a test that leaves behind a platform thread it started.
 *
 * <p>Put it on a test class (it then applies to every test in the class, its subclasses and its
 * {@code @Nested} classes) or on a single test method:
 *
 * <pre>{@code
 * @CheckThreadLeaks
 * class WorkerThreadPortalTest {
 *     @Test
 *     void shutdownStopsTheWorker() {
 *         WorkerPortal portal = Portals.newWorkerThread();
 *         portal.submit(() -> 42).result();
 *         portal.close();
 *     }   // fails here if the worker thread is still alive after the grace period
 * }
 * }</pre>
 *
 * <p>Guarantee: after each test, and after its {@code @AfterEach} methods, every platform thread
 * that is alive but was not alive just before the test's {@code @BeforeEach} methods has either
 * ended within {@link #graceMillis()} or is reported in the test's failure, with its name, id,
 * state, daemon flag and stack trace. Threads whose names match {@link #ignore()} or one of the
 * built-in patterns of {@link ThreadLeakExtension} are never reported.
 *
 * <p>Only platform threads are checked: virtual threads are not visible to {@link
 * Thread#getAllStackTraces()}. Threads are compared by identity across the whole JVM, so the check
 * is only meaningful when tests in the same JVM do not run in parallel.
 *
 * <p>When both the test method and its class (or an enclosing class) carry this annotation, the one
 * closest to the method wins as a whole: its attributes replace, not extend, the outer ones.
 * Registering {@link ThreadLeakExtension} with {@code @ExtendWith} instead gives the defaults.
 *
 * @since 0.1
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ThreadLeakExtension.class)
public @interface CheckThreadLeaks {

  /**
   * How long, in milliseconds, to wait after the test for the threads it started to end. The wait
   * returns as soon as they have all ended. Must not be negative; {@code 0} checks at once.
   */
  long graceMillis() default ThreadLeakExtension.DEFAULT_GRACE_MILLIS;

  /**
   * Regular expressions for names of threads that are never reported, in addition to the built-in
   * ones. A pattern must match the whole thread name.
   */
  String[] ignore() default {};
}

package org.portal4j.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a {@link java.util.ServiceLoader}'s providers, keeping every one that loads: a provider
 * that fails to load (a {@link java.util.ServiceConfigurationError}, a {@link LinkageError}, or
 * whatever its constructor throws) is handed to {@code skipped} and the walk goes on. After {@value
 * #MAX_FAILURES} failures it stops: an iterator that fails forever must not hang the caller.
 */
final class ServiceProviders {

  private static final Logger log = LoggerFactory.getLogger(ServiceProviders.class);

  /** Failures after which the walk gives up. */
  static final int MAX_FAILURES = 100;

  private ServiceProviders() {}

  /**
   * The providers that loaded, in the iterator's order (nulls left out).
   *
   * @param providers the providers, as a {@code ServiceLoader} iterates them
   * @param skipped told of each failure, which it must not rethrow
   * @return what loaded
   */
  static <S> List<S> loadEach(Iterator<S> providers, Consumer<Throwable> skipped) {
    List<S> loaded = new ArrayList<>();
    int failures = 0;
    while (true) {
      try {
        if (!providers.hasNext()) {
          return loaded;
        }
        S provider = providers.next();
        if (provider != null) {
          loaded.add(provider);
        }
      } catch (Throwable e) { // user code ran: a constructor, a static initialiser
        skipped.accept(e);
        if (++failures >= MAX_FAILURES) {
          log.warn("Gave up looking for portal4j providers after {} failures", failures);
          return loaded;
        }
      }
    }
  }
}

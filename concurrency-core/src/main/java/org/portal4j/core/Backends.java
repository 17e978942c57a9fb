package org.portal4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses one {@link PortalProvider} per {@link PortalKind}, once, at the first use of the kind:
 * the provider named by the system property {@code portal4j.<kind>} if set, else the available
 * provider with the highest priority. A choice that cannot be made (an unknown or unavailable name)
 * fails that use and every later one with the same {@link IllegalStateException}.
 *
 * <p>Each provider is asked about itself once, when the providers are loaded: a provider that fails
 * to load or construct, throws anything (an {@link Error} included) from {@code name()}, {@code
 * priority()}, {@code kinds()} or {@code isAvailable()}, or answers {@code null} kinds, is logged
 * once at WARN with its class and the cause, and skipped.
 */
final class Backends {

  private static final Logger log = LoggerFactory.getLogger(Backends.class);

  private final Supplier<Iterator<PortalProvider>> discovery;
  private final Function<String, String> properties;
  private final Map<PortalKind, Choice> choices = new ConcurrentHashMap<>();
  private volatile @Nullable List<Candidate> candidates;

  /** Why providers were skipped when they were loaded: the causes kept for later failures. */
  private final List<Throwable> skipped = new CopyOnWriteArrayList<>();

  /** What a provider said about itself when it was loaded. */
  private record Candidate(
      PortalProvider provider,
      String name,
      int priority,
      Set<PortalKind> kinds,
      boolean available) {

    @Override
    public String toString() {
      return name + " (priority " + priority + (available ? "" : ", unavailable") + ")";
    }
  }

  /** What was chosen for a kind: a provider, or the failure to throw at every use. */
  private record Choice(
      @Nullable PortalProvider provider, @Nullable IllegalStateException failure) {}

  Backends(Supplier<Iterator<PortalProvider>> discovery, Function<String, String> properties) {
    this.discovery = discovery;
    this.properties = properties;
  }

  /** Providers from {@link ServiceLoader}, overrides from system properties. */
  static Backends fromClassPath() {
    return new Backends(
        () -> ServiceLoader.load(PortalProvider.class, Backends.class.getClassLoader()).iterator(),
        System::getProperty);
  }

  static String propertyFor(PortalKind kind) {
    return "portal4j." + kind.name().toLowerCase(Locale.ROOT);
  }

  /** A provider in messages: its name if it gave one, and its class. */
  static String describe(PortalProvider provider) {
    String name;
    try {
      name = provider.name();
    } catch (Throwable t) {
      name = "?";
    }
    return "'" + name + "' (" + provider.getClass().getName() + ")";
  }

  PortalProvider provider(PortalKind kind) {
    Choice choice = choices.get(kind); // chosen once: asked on every currentLoop() off a loop
    if (choice == null) {
      choice = choices.computeIfAbsent(kind, this::choose); // the method reference is an object
    }
    IllegalStateException failure = choice.failure();
    if (failure != null) {
      // A new exception per use, with the first one's message and what it kept: stack traces
      // show where each use came from.
      IllegalStateException e = new IllegalStateException(failure.getMessage());
      for (Throwable why : failure.getSuppressed()) {
        e.addSuppressed(why);
      }
      throw e;
    }
    return Objects.requireNonNull(choice.provider(), "a choice that did not fail has a provider");
  }

  Map<PortalKind, String> names() {
    Map<PortalKind, String> names = new EnumMap<>(PortalKind.class);
    for (PortalKind kind : PortalKind.values()) {
      names.put(kind, nameOf(provider(kind)));
    }
    return Collections.unmodifiableMap(names);
  }

  private String nameOf(PortalProvider provider) {
    for (Candidate c : candidates()) {
      if (c.provider() == provider) {
        return c.name();
      }
    }
    throw new IllegalStateException("Not a loaded provider: " + provider);
  }

  private Choice choose(PortalKind kind) {
    List<Candidate> ofKind =
        candidates().stream().filter(c -> c.kinds().contains(kind)).collect(Collectors.toList());
    String property = propertyFor(kind);
    String wanted = properties.apply(property);
    if (wanted != null && !wanted.isBlank()) {
      String name = wanted.trim();
      for (Candidate c : ofKind) {
        if (c.name().equals(name)) {
          if (!c.available()) {
            return failure(
                "The portal4j "
                    + kind
                    + " backend '"
                    + name
                    + "' chosen by -D"
                    + property
                    + " is not available in this JVM (Java "
                    + Runtime.version().feature()
                    + "); known: "
                    + ofKind);
          }
          log.debug("{} backend: {} (from -D{})", kind, c.name(), property);
          return new Choice(c.provider(), null);
        }
      }
      return failure(
          "Unknown portal4j "
              + kind
              + " backend '"
              + name
              + "' in -D"
              + property
              + "; known "
              + kind
              + " backends: "
              + ofKind
              + ". Add the module that provides it to the class path, or fix the name.");
    }
    return ofKind.stream()
        .filter(Candidate::available)
        .max(Comparator.comparingInt(Candidate::priority))
        .map(
            c -> {
              log.debug("{} backend: {} (priority {})", kind, c.name(), c.priority());
              return new Choice(c.provider(), null);
            })
        .orElseGet(
            () ->
                failure(
                    "No available portal4j "
                        + kind
                        + " backend on the class path; found: "
                        + ofKind
                        + ". Add org.portal4j:concurrency-core."));
  }

  /** A choice that fails, keeping why providers were skipped (one of them may be the one). */
  private Choice failure(String message) {
    IllegalStateException e = new IllegalStateException(message);
    skipped.forEach(e::addSuppressed);
    return new Choice(null, e);
  }

  private List<Candidate> candidates() {
    List<Candidate> loaded = candidates;
    if (loaded == null) {
      loaded = discover();
      candidates = loaded;
    }
    return loaded;
  }

  private List<Candidate> discover() {
    List<Candidate> loaded = new ArrayList<>();
    for (PortalProvider provider : ServiceProviders.loadEach(discovery.get(), this::skip)) {
      Candidate candidate = interview(provider);
      if (candidate != null) {
        loaded.add(candidate);
      }
    }
    return Collections.unmodifiableList(loaded);
  }

  /** A provider that failed to load: kept as a cause for later failures, and said once. */
  private void skip(Throwable e) {
    skipped.add(e);
    if (e.getCause() instanceof UnsupportedClassVersionError
        || e instanceof UnsupportedClassVersionError) {
      // portal-virtual on Java 17: present, but it cannot work here. Say so, once.
      log.warn(
          "A portal4j backend on the class path needs a newer Java than this {} and is"
              + " skipped (portal-virtual needs Java 21): {}",
          Runtime.version().feature(),
          e.getMessage());
    } else {
      log.warn("A portal4j backend failed to load and is skipped", e);
    }
  }

  /** Asks a provider about itself, once; null (and a WARN) if it cannot answer. */
  private @Nullable Candidate interview(PortalProvider provider) {
    String asking = "name()";
    try {
      String name = provider.name();
      if (name == null) {
        throw new IllegalStateException("name() returned null");
      }
      asking = "priority()";
      int priority = provider.priority();
      asking = "kinds()";
      Set<PortalKind> kinds = provider.kinds();
      if (kinds == null) {
        throw new IllegalStateException("kinds() returned null");
      }
      kinds = Set.copyOf(kinds);
      asking = "isAvailable()";
      boolean available = provider.isAvailable();
      return new Candidate(provider, name, priority, kinds, available);
    } catch (Throwable t) {
      skipped.add(t);
      log.warn(
          "The portal4j backend {} is broken and skipped: {} failed",
          provider.getClass().getName(),
          asking,
          t);
      return null;
    }
  }
}

package org.portal4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.portal4j.spi.PortalKind;
import org.portal4j.spi.PortalProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses one {@link PortalProvider} per {@link PortalKind}, once, at the first use of the kind:
 * the provider named by the system property {@code portal4j.<kind>} if set, else the available
 * provider with the highest priority. A choice that cannot be made (an unknown or unavailable name)
 * fails that use and every later one with the same {@link IllegalStateException}.
 */
final class Backends {

  private static final Logger log = LoggerFactory.getLogger(Backends.class);

  private final Supplier<Iterator<PortalProvider>> discovery;
  private final Function<String, String> properties;
  private final Map<PortalKind, Choice> choices = new ConcurrentHashMap<>();
  private volatile List<PortalProvider> providers;

  /** What was chosen for a kind: a provider, or the reason none could be. */
  private record Choice(PortalProvider provider, String error) {}

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

  PortalProvider provider(PortalKind kind) {
    Choice choice = choices.computeIfAbsent(kind, this::choose);
    if (choice.error() != null) {
      throw new IllegalStateException(choice.error());
    }
    return choice.provider();
  }

  Map<PortalKind, String> names() {
    Map<PortalKind, String> names = new EnumMap<>(PortalKind.class);
    for (PortalKind kind : PortalKind.values()) {
      names.put(kind, provider(kind).name());
    }
    return Collections.unmodifiableMap(names);
  }

  private Choice choose(PortalKind kind) {
    List<PortalProvider> candidates =
        providers().stream().filter(p -> p.kinds().contains(kind)).collect(Collectors.toList());
    String property = propertyFor(kind);
    String wanted = properties.apply(property);
    if (wanted != null && !wanted.isBlank()) {
      for (PortalProvider p : candidates) {
        if (p.name().equals(wanted.trim())) {
          if (!isAvailable(p)) {
            return new Choice(
                null,
                "The portal4j "
                    + kind
                    + " backend '"
                    + wanted
                    + "' chosen by -D"
                    + property
                    + " is not available in this JVM (Java "
                    + Runtime.version().feature()
                    + "); known: "
                    + describe(candidates));
          }
          log.debug("{} backend: {} (from -D{})", kind, p.name(), property);
          return new Choice(p, null);
        }
      }
      return new Choice(
          null,
          "Unknown portal4j "
              + kind
              + " backend '"
              + wanted
              + "' in -D"
              + property
              + "; known "
              + kind
              + " backends: "
              + describe(candidates)
              + ". Add the module that provides it to the class path, or fix the name.");
    }
    return candidates.stream()
        .filter(Backends::isAvailable)
        .max(Comparator.comparingInt(PortalProvider::priority))
        .map(
            p -> {
              log.debug("{} backend: {} (priority {})", kind, p.name(), p.priority());
              return new Choice(p, null);
            })
        .orElseGet(
            () ->
                new Choice(
                    null,
                    "No available portal4j "
                        + kind
                        + " backend on the class path; found: "
                        + describe(candidates)
                        + ". Add org.portal4j:concurrency-core."));
  }

  private static boolean isAvailable(PortalProvider provider) {
    try {
      return provider.isAvailable();
    } catch (RuntimeException | LinkageError e) {
      log.warn(
          "portal4j backend {} failed its availability check and is skipped", provider.name(), e);
      return false;
    }
  }

  private static String describe(List<PortalProvider> providers) {
    return providers.stream()
        .map(
            p ->
                p.name()
                    + " (priority "
                    + p.priority()
                    + (isAvailable(p) ? "" : ", unavailable")
                    + ")")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Loads the providers now if that has not happened yet. */
  void load() {
    providers();
  }

  private List<PortalProvider> providers() {
    List<PortalProvider> loaded = providers;
    if (loaded == null) {
      loaded = discover();
      providers = loaded;
    }
    return loaded;
  }

  private List<PortalProvider> discover() {
    List<PortalProvider> loaded = new ArrayList<>();
    Iterator<PortalProvider> it = discovery.get();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        loaded.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        if (e.getCause() instanceof UnsupportedClassVersionError
            || e instanceof UnsupportedClassVersionError) {
          log.debug(
              "Skipping a portal4j backend built for a newer Java than {}: {}",
              Runtime.version().feature(),
              e.getMessage());
        } else {
          log.warn("A portal4j backend failed to load and is skipped", e);
        }
      }
    }
    return Collections.unmodifiableList(loaded);
  }
}

package org.portal4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.portal4j.Call;
import org.portal4j.spi.CallFactory;
import org.portal4j.spi.CallRouter;
import org.portal4j.spi.ConcurrencyRuntime;
import org.portal4j.spi.PortalFactory;
import org.portal4j.spi.PortalSupport;
import org.portal4j.spi.WaiterFactory;

/**
 * The API binds a runtime only if it was built for the same SPI version (major.minor), and says
 * which versions meet when they do not; a runtime that fails to load is reported with its cause.
 * Each case binds in a class loader of its own, holding the API, a fake runtime and its service
 * file.
 */
class RuntimeBindingVersionTest {

  @TempDir Path services;

  /** A runtime built for another SPI version. */
  public static final class RuntimeFromTheFuture implements ConcurrencyRuntime {
    @Override
    public String apiVersion() {
      return "9.9";
    }

    @Override
    public CallFactory calls() {
      throw new AssertionError("a runtime of another version was used");
    }

    @Override
    public PortalFactory portals() {
      throw new AssertionError("a runtime of another version was used");
    }

    @Override
    public WaiterFactory waiters() {
      throw new AssertionError("a runtime of another version was used");
    }

    @Override
    public CallRouter router() {
      throw new AssertionError("a runtime of another version was used");
    }

    @Override
    public PortalSupport portalSupport() {
      throw new AssertionError("a runtime of another version was used");
    }
  }

  /** A runtime whose constructor throws. */
  public static final class BrokenRuntime implements ConcurrencyRuntime {
    public BrokenRuntime() {
      throw new IllegalStateException("cannot construct");
    }

    @Override
    public String apiVersion() {
      return ConcurrencyRuntime.API_VERSION;
    }

    @Override
    public CallFactory calls() {
      return null;
    }

    @Override
    public PortalFactory portals() {
      return null;
    }

    @Override
    public WaiterFactory waiters() {
      return null;
    }

    @Override
    public CallRouter router() {
      return null;
    }

    @Override
    public PortalSupport portalSupport() {
      return null;
    }
  }

  @Test
  void compatibleMeansTheSameMajorAndMinorVersion() {
    String api = ConcurrencyRuntime.API_VERSION;
    assertTrue(RuntimeBinding.compatible(api));
    assertTrue(RuntimeBinding.compatible(api + ".7"), "a patch level does not matter");
    assertFalse(RuntimeBinding.compatible("9.9"));
    assertFalse(RuntimeBinding.compatible(null));
    assertFalse(RuntimeBinding.compatible(""));
  }

  @Test
  void aRuntimeBuiltForAnotherVersionIsRefusedNamingBothVersions() throws Exception {
    IllegalStateException e = entryPointFailure(RuntimeFromTheFuture.class);
    String message = e.getMessage();
    assertTrue(message.contains("9.9"), message);
    assertTrue(message.contains(ConcurrencyRuntime.API_VERSION), message);
    assertTrue(message.contains(RuntimeFromTheFuture.class.getName()), message);
  }

  @Test
  void aRuntimeThatFailsToLoadIsReportedWithItsCause() throws Exception {
    IllegalStateException e = entryPointFailure(BrokenRuntime.class);
    Throwable cause = e.getCause();
    assertInstanceOf(java.util.ServiceConfigurationError.class, cause, String.valueOf(cause));
    Throwable root = cause;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertEquals("cannot construct", root.getMessage());
  }

  /** Binds {@code runtime} in a loader of its own and returns what {@code Call.of} throws. */
  private IllegalStateException entryPointFailure(Class<?> runtime) throws Exception {
    Path file = services.resolve("META-INF/services/" + ConcurrencyRuntime.class.getName());
    Files.createDirectories(file.getParent());
    Files.writeString(file, runtime.getName() + "\n");
    URL[] urls = {
      location(ConcurrencyRuntime.class), // the API's classes
      location(RuntimeBindingVersionTest.class), // the fake runtimes
      location(org.slf4j.LoggerFactory.class),
      services.toUri().toURL()
    };
    try (URLClassLoader isolated = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      Class<?> call = isolated.loadClass(Call.class.getName());
      Callable<Object> fn = () -> 1;
      for (int attempt = 0; attempt < 2; attempt++) { // the same failure, every time
        try {
          call.getMethod("of", Callable.class).invoke(null, fn);
          fail("Call.of bound " + runtime.getSimpleName());
        } catch (InvocationTargetException e) {
          assertSame(IllegalStateException.class.getName(), e.getCause().getClass().getName());
          if (attempt == 1) {
            return (IllegalStateException) e.getCause();
          }
        }
      }
      throw new AssertionError("unreachable");
    }
  }

  private static URL location(Class<?> type) throws Exception {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }
}

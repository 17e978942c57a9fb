package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.portal4j.spi.PortalProvider;
import org.portal4j.test.CheckThreadLeaks;

/**
 * DESIGN.md "Every call handed to the library ends": when the WORKER backend's {@code newWorker}
 * throws inside {@code FromSync}, that exception reaches the caller and the call ends cancelled or
 * failed with it as the cause, never left pending. Runs {@link NewWorkerFailureMain} in a child JVM
 * whose class path registers {@link ThrowingWorkerProvider}.
 */
@CheckThreadLeaks
@Timeout(60)
class NewWorkerFailureTest {

  @TempDir Path registration;

  @ParameterizedTest
  @ValueSource(strings = {"callInNewThread", "callInNewThreadWithTimeout", "callSoonInNewThread"})
  void whenNewWorkerThrowsTheExceptionReachesTheCallerAndTheCallEndsWithIt(String method)
      throws Exception {
    Path services = registration.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(PortalProvider.class.getName()), ThrowingWorkerProvider.class.getName());

    ChildJvm.Run run =
        ChildJvm.of(NewWorkerFailureMain.class)
            .classPath(registration)
            .jvmOptions("-Dportal4j.worker=" + ThrowingWorkerProvider.NAME)
            .args(method)
            .run(Duration.ofSeconds(40));

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(
        run.output().contains("WORKER=" + ThrowingWorkerProvider.NAME), "wrong backend: " + run);
    assertTrue(
        run.output().contains("reached=true"), "the exception did not reach the caller: " + run);
    assertTrue(run.output().contains("done=true"), "the call was left pending: " + run);
    assertTrue(
        run.output().contains("cause=true"),
        "result() does not throw the provider's exception (or with it as the cause): " + run);
  }
}

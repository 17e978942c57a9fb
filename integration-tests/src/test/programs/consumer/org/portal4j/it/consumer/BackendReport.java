package org.portal4j.it.consumer;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.portal4j.Call;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;

/**
 * The program every backend-selection test runs, unchanged, with a different runtime class path
 * (or module path). It uses the API only and prints one {@code key=value} line per probe on
 * stdout: what {@link Portals#backends()} says, and where calls actually ran. A probe that throws
 * prints {@code key.error=<exception class>: <message>} instead, and the program goes on.
 *
 * <p>Compiled for Java 17, so it asks {@code Thread.isVirtual()} and Netty's executor map
 * reflectively; it never links against a backend.
 */
public final class BackendReport {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private BackendReport() {}

  public static void main(String[] args) {
    System.out.println("java.version=" + Runtime.version().feature());
    System.out.println("module=" + BackendReport.class.getModule().getName());
    probe("backends", () -> Portals.backends().toString());
    probe("backends.again", () -> Portals.backends().toString());
    probe("worker", BackendReport::onANewWorker);
    probe("newThread", () -> FromSync.callInNewThread(BackendReport::here, DEADLINE));
    probe("globalLoop", BackendReport::onTheGlobalLoop);
    probe("newLoop", BackendReport::onANewLoop);
    probe("globalLoopExit", () -> {
      Portals.waitForGlobalLoopExit(DEADLINE);
      return "ok";
    });
    System.out.println("done=true");
  }

  private static String onANewWorker() throws Exception {
    WorkerPortal worker = Portals.newWorkerThread();
    try {
      return worker.submit(Call.of(BackendReport::here)).result(DEADLINE)
          + ";portal=" + worker.getClass().getName();
    } finally {
      worker.shutdown();
      worker.awaitTermination(DEADLINE);
    }
  }

  private static String onTheGlobalLoop() throws Exception {
    LoopPortal loop = Portals.globalLoop();
    return loop.submit(Call.of(() -> here() + ";inGlobalLoop=" + Portals.inGlobalLoop()))
            .result(DEADLINE)
        + ";portal=" + loop.getClass().getName();
  }

  private static String onANewLoop() throws Exception {
    LoopPortal loop = Portals.newEventLoopThread();
    try {
      return FromSync.callIn(loop, Call.of(BackendReport::here), DEADLINE)
          + ";portal=" + loop.getClass().getName();
    } finally {
      loop.shutdown();
      loop.awaitTermination(DEADLINE);
    }
  }

  /** Where the current call runs: thread name and class, virtual or not, Netty executor if any. */
  static String here() {
    Thread t = Thread.currentThread();
    return "thread=" + t.getName()
        + ";threadClass=" + t.getClass().getName()
        + ";virtual=" + isVirtual(t)
        + ";nettyExecutor=" + nettyExecutor();
  }

  private static boolean isVirtual(Thread t) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
    } catch (NoSuchMethodException e) {
      return false; // Java 17: no virtual threads
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Netty executor whose thread this is ({@code ThreadExecutorMap}), or "none". */
  private static String nettyExecutor() {
    try {
      Class<?> map = Class.forName("io.netty.util.internal.ThreadExecutorMap");
      Object executor = map.getMethod("currentExecutor").invoke(null);
      return executor == null ? "none" : executor.getClass().getName();
    } catch (ClassNotFoundException e) {
      return "none"; // Netty is not on the class path
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return "unreadable(" + e + ")";
    }
  }

  private static void probe(String key, Callable<String> probe) {
    String line;
    try {
      line = key + "=" + probe.call();
    } catch (Exception | LinkageError e) {
      line = key + ".error=" + e.getClass().getName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
    }
    System.out.println(line);
    System.out.flush();
  }
}

package org.portal4j.examples;

import static org.portal4j.examples.SeedScenarioDemo.say;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.portal4j.Call;
import org.portal4j.CallCancelledException;
import org.portal4j.Portals;
import org.portal4j.WorkerPortal;

/**
 * Cancelling calls, as {@link java.util.concurrent.Future#cancel} does: a running call's blocking
 * body is interrupted, its cancel callback runs first, and its caller gets a {@link
 * CallCancelledException}; a queued call cancelled before it starts never runs.
 */
public final class CancellationDemo {

  private CancellationDemo() {}

  public static void main(String[] args) throws InterruptedException {
    CountDownLatch downloading = new CountDownLatch(1);
    CountDownLatch downloadEnded = new CountDownLatch(1);
    Call<String> download =
        Call.of(
            "download",
            () -> {
              say("download: blocking until interrupted");
              downloading.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                say("download: interrupted by the cancel");
                throw e;
              } finally {
                downloadEnded.countDown();
              }
              return "never";
            });
    download.addCancelCallback(() -> say("cancel callback of download: closing its connection"));
    Call<String> upload =
        Call.of(
            "upload",
            () -> {
              say("upload: this never runs");
              return "never";
            });

    WorkerPortal worker = Portals.newWorkerThread();
    try {
      worker.submit(download);
      worker.submit(upload); // queued behind download, on the same worker thread
      downloading.await();

      say("cancel(upload) while it is queued: " + upload.cancel());
      say("cancel(download) while it runs: " + download.cancel());
      try {
        download.result();
      } catch (CallCancelledException e) {
        say("download.result() threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      downloadEnded.await(5, TimeUnit.SECONDS);
    } finally {
      worker.shutdown();
      worker.awaitTermination(Duration.ofSeconds(5));
    }
    say(
        "upload cancelled: "
            + upload.isCancelled()
            + ", download cancelled: "
            + download.isCancelled()
            + ", timed out: "
            + download.isTimedOut());
  }
}

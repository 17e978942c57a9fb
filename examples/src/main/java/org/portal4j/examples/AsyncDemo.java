package org.portal4j.examples;

import static org.portal4j.examples.SeedScenarioDemo.say;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.portal4j.Call;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.Portals;

/**
 * Both directions between sync and async code:
 *
 * <ol>
 *   <li>a blocking {@code main} calls an async function through the global event loop ({@link
 *       FromSync#callInLoopThread});
 *   <li>that async function, running on the loop, needs blocking code: it calls it through a new
 *       thread with {@link FromAsync#callInNewThread}, so the loop never blocks.
 * </ol>
 */
public final class AsyncDemo {

  private AsyncDemo() {}

  public static void main(String[] args) {
    say("backends chosen: " + Portals.backends());
    String summary =
        FromSync.callInLoopThread(Call.ofAsync("fetchAndSummarise", AsyncDemo::fetchAndSummarise));
    say("main got: " + summary);
    Portals.waitForGlobalLoopExit(Duration.ofSeconds(5));
    say("global loop exited");
  }

  /** An async function: never blocks the thread it runs on. */
  private static CompletionStage<String> fetchAndSummarise() {
    say("async function running on the loop; handing blocking work to a new thread");
    CompletableFuture<String> page = FromAsync.callInNewThread(AsyncDemo::blockingFetch);
    say("the loop is free again while the blocking work runs");
    return page.thenApply(
        text -> {
          say("continuing with the fetched text");
          return text.length() + " characters: '" + text + "'";
        });
  }

  /** Blocking code, as legacy libraries have it. */
  private static String blockingFetch() throws InterruptedException {
    say("blocking fetch on its own thread");
    Thread.sleep(100); // stands for blocking I/O
    return "hello from a blocking call";
  }
}

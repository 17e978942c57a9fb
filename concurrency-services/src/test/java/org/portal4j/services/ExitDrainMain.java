package org.portal4j.services;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.portal4j.FromAsync;

/**
 * Run in a child JVM by {@link ExitDrainTest}: sends items to a service that appends each to a
 * file, then returns from main, so the JVM exits normally while items are still queued.
 *
 * <p>Arguments: the file, the number of items, and a mode: {@code normal} writes every item on a
 * new thread (blocking I/O off the loop); {@code stuck} writes items on the loop until the item
 * numbered by the 4th argument, whose handling never ends.
 */
public final class ExitDrainMain {

  private ExitDrainMain() {}

  /** Appends each item as a line; the writer lives from onStart to onStop. */
  static final class FileAppender extends QueueService<String> {
    private final Path file;
    private final boolean offLoop;
    private final int stuckAt;
    private BufferedWriter writer;

    FileAppender(Path file, boolean offLoop, int stuckAt) {
      this.file = file;
      this.offLoop = offLoop;
      this.stuckAt = stuckAt;
    }

    @Override
    protected CompletionStage<?> onStart() throws IOException {
      writer =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      return null;
    }

    @Override
    protected CompletionStage<?> handle(String item) throws IOException {
      if (item.equals("item-" + stuckAt)) {
        return new CompletableFuture<>(); // never completes
      }
      if (offLoop) {
        return FromAsync.callInNewThread(() -> write(item));
      }
      write(item);
      return null;
    }

    private Void write(String item) throws IOException {
      writer.write(item);
      writer.newLine();
      writer.flush();
      return null;
    }

    @Override
    protected CompletionStage<?> onStop() throws IOException {
      writer.close();
      return null;
    }
  }

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    boolean stuck = args[2].equals("stuck");
    int stuckAt = stuck ? Integer.parseInt(args[3]) : -1;
    FileAppender service =
        QueueService.instance(FileAppender.class, () -> new FileAppender(file, !stuck, stuckAt));
    for (int i = 0; i < count; i++) {
      service.send("item-" + i);
    }
    System.out.println("main returns with " + service.pendingCount() + " item(s) pending");
  }
}

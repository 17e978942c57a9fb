package org.portal4j.benchmarks;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.portal4j.Call;
import org.portal4j.Waiters;

/**
 * A waiter round trip built by hand from the JDK, the peer of portal4j's waiters: a call runs on
 * another thread, sends a callback back to the waiting thread through a {@link SynchronousQueue},
 * waits for the callback's result, and returns it; the waiting thread runs callbacks until the call
 * says it is done. Three handoffs: the callback, its result, the end of the call. One per wait.
 */
final class HandBuiltWaiter {

  /** The portal4j flow it is the peer of: the call sends the work back to the waiting thread. */
  static final Callable<String> SEND_BACK =
      () -> Waiters.current().orElseThrow().submit(Call.of(Work.CALLABLE)).result();

  private static final Runnable DONE = () -> {};

  private final SynchronousQueue<Runnable> inbox = new SynchronousQueue<>();
  private String result; // written before DONE is handed over, read after it is taken

  /** The call, run on the other thread. */
  void call() {
    try {
      FutureTask<String> callback = new FutureTask<>(Work.CALLABLE);
      inbox.put(callback);
      result = callback.get();
      inbox.put(DONE);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The waiting side, on the caller's thread: runs the callbacks until the call is done.
   *
   * @return the call's result
   * @throws IllegalStateException if the call sends nothing for 10 s
   */
  String await() throws InterruptedException {
    for (Runnable r; (r = inbox.poll(10, TimeUnit.SECONDS)) != DONE; ) {
      if (r == null) {
        throw new IllegalStateException("The call sent nothing for 10 s");
      }
      r.run();
    }
    return result;
  }
}

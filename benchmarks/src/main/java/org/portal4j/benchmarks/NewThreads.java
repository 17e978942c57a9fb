package org.portal4j.benchmarks;

/** The hand-built JDK flow of a call on a new thread: start it, join it with a deadline. */
final class NewThreads {

  private NewThreads() {}

  /** Where the new thread leaves its result; the join publishes it to the caller. */
  private static final class Result implements Runnable {
    private String value;

    @Override
    public void run() {
      try {
        value = Work.CALLABLE.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Runs the work on a new thread of {@code builder} and joins it for at most 10 s.
   *
   * @throws IllegalStateException if the thread did not end within 10 s
   */
  static String startAndJoin(Thread.Builder builder) throws InterruptedException {
    Result result = new Result();
    Thread thread = builder.start(result);
    if (!thread.join(Work.TEN_SECONDS)) {
      throw new IllegalStateException(thread + " did not end within " + Work.TEN_SECONDS);
    }
    return result.value;
  }
}

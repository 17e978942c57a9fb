package org.portal4j.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/** A queue service whose handling and configuration the test gives; it records what happens. */
class TestService extends QueueService<String> {

  /** How to handle an item. */
  interface Handler {
    CompletionStage<?> handle(String item) throws Exception;
  }

  final List<String> handled = Collections.synchronizedList(new ArrayList<>());
  final List<String> dropped = Collections.synchronizedList(new ArrayList<>());

  /** "start on <thread>", "handle <item> on <thread>", "stop on <thread>", in order. */
  final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private final Handler handler;
  private final int maxQueueSize;
  private Duration progressInterval = DEFAULT_DRAIN_PROGRESS_INTERVAL;
  private UnaryOperator<String> preparer = UnaryOperator.identity();
  private Handler onStart = item -> null;

  TestService(Handler handler) {
    this(0, handler);
  }

  TestService(int maxQueueSize, Handler handler) {
    this.maxQueueSize = maxQueueSize;
    this.handler = handler;
  }

  /** A service that records each item and does nothing else. */
  static TestService recording() {
    return new TestService(item -> null);
  }

  TestService progressEvery(Duration interval) {
    this.progressInterval = interval;
    return this;
  }

  TestService preparing(UnaryOperator<String> preparer) {
    this.preparer = preparer;
    return this;
  }

  TestService startingWith(Handler onStart) {
    this.onStart = onStart;
    return this;
  }

  @Override
  protected String prepare(String item) {
    return preparer.apply(item);
  }

  @Override
  protected CompletionStage<?> handle(String item) throws Exception {
    events.add("handle " + item + " on " + Thread.currentThread().getName());
    CompletionStage<?> stage = handler.handle(item);
    if (stage == null) {
      handled.add(item);
      return null;
    }
    return stage.thenRun(() -> handled.add(item));
  }

  @Override
  protected void onItemDropped(String item) {
    dropped.add(item);
  }

  @Override
  protected int maxQueueSize() {
    return maxQueueSize;
  }

  @Override
  protected Duration drainProgressInterval() {
    return progressInterval;
  }

  @Override
  protected CompletionStage<?> onStart() throws Exception {
    events.add("start on " + Thread.currentThread().getName());
    return onStart.handle("start");
  }

  @Override
  protected CompletionStage<?> onStop() {
    events.add("stop on " + Thread.currentThread().getName());
    return null;
  }
}

package org.portal4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.LoopPortal;
import org.portal4j.PortalOptions;
import org.portal4j.Portals;
import org.portal4j.SyncWaiter;
import org.portal4j.Waiter;
import org.portal4j.Waiters;
import org.portal4j.WorkerPortal;
import org.portal4j.test.CheckThreadLeaks;

/**
 * Several waiters on one thread, one inside another: each callback goes to the waiter of its own
 * call, never to a sibling's, and nothing hangs.
 */
@CheckThreadLeaks
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NestedWaitersTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** How long a parent waits for its callback: ample here, yet short enough to report a mix-up. */
  private static final Duration CALLBACK_WAIT = Duration.ofSeconds(5);

  private final List<WorkerPortal> portals = new ArrayList<>();

  @AfterEach
  void shutDownEverything() throws InterruptedException {
    for (WorkerPortal portal : portals) {
      portal.shutdown();
    }
    for (WorkerPortal portal : portals) {
      assertTrue(portal.awaitTermination(WAIT), portal + " did not terminate");
    }
  }

  private WorkerPortal newWorker(String name) {
    WorkerPortal worker = Portals.newWorkerThread(PortalOptions.builder().name(name).build());
    portals.add(worker);
    return worker;
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), "latch not reached in time");
  }

  // ------------------------------------------------------------------ two parents, one thread

  /**
   * Each iteration: parent 0 on one worker sends callbacks a and b to its waiter, parent 1 on
   * another worker sends callback c to its own; both waiters belong to the test thread. Even
   * iterations await the two waiters one after the other (alternating which goes first); odd
   * iterations await waiter 1 from inside callback a, that is, nested inside waiter 0. Every
   * callback checks that it runs on the test thread, inside the await() of its own parent's waiter
   * or, for parent 0, of waiter 1: waiter 0 is the outer one (made first), and work for an outer
   * waiter goes to the innermost waiter while the owner waits there (DESIGN.md, Deadlocks).
   */
  @Test
  void tenThousandIterationsOfTwoParentsRunEachCallbackInItsWaiterOrTheInnermostOne()
      throws Exception {
    WorkerPortal worker0 = newWorker("nested-worker-0");
    WorkerPortal worker1 = newWorker("nested-worker-1");
    Thread me = Thread.currentThread();
    ArrayDeque<Integer> awaiting =
        new ArrayDeque<>(); // which waiter's await() is running; only `me` touches it
    List<String> mixUps = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    int iterations = 10_000;
    for (int i = 0; i < iterations; i++) {
      int iteration = i;
      boolean nested = i % 2 == 1;
      AtomicReferenceArray<Waiter<?>> seenInBody = new AtomicReferenceArray<>(2);
      AtomicReferenceArray<SyncWaiter<String>> waiters = new AtomicReferenceArray<>(2);

      class Recorder {
        String ran(int parent, String tag) {
          if (Thread.currentThread() != me) {
            mixUps.add(iteration + ": " + tag + " ran on " + Thread.currentThread().getName());
          } else if (awaiting.isEmpty()
              || (awaiting.peek() != parent
                  // work for the outer waiter (made first) goes to the innermost one when the
                  // owner waits there
                  && !(parent == 0 && awaiting.peek() == 1))) {
            mixUps.add(
                iteration
                    + ": "
                    + tag
                    + " of parent "
                    + parent
                    + " ran in waiter "
                    + awaiting.peek());
          }
          return tag;
        }
      }
      Recorder recorder = new Recorder();

      Call<String> parent0 =
          Call.of(
              "parent-0",
              () -> {
                Waiter<?> own = Waiters.current().orElseThrow();
                seenInBody.set(0, own);
                Call<String> a =
                    own.submit(
                        Call.of(
                            () -> {
                              String tag = recorder.ran(0, "a");
                              if (nested) {
                                awaiting.push(1);
                                try {
                                  waiters.get(1).await();
                                } finally {
                                  awaiting.pop();
                                }
                              }
                              return tag;
                            }));
                Call<String> b = own.submit(Call.of(() -> recorder.ran(0, "b")));
                return a.result(CALLBACK_WAIT) + b.result(CALLBACK_WAIT);
              });
      Call<String> parent1 =
          Call.of(
              "parent-1",
              () -> {
                Waiter<?> own = Waiters.current().orElseThrow();
                seenInBody.set(1, own);
                return own.submit(Call.of(() -> recorder.ran(1, "c"))).result(CALLBACK_WAIT);
              });
      waiters.set(0, Waiters.sync(parent0));
      waiters.set(1, Waiters.sync(parent1));
      worker0.submit(parent0);
      worker1.submit(parent1);
      if (nested) {
        awaitAs(awaiting, 0, waiters.get(0));
      } else {
        int first = (i / 2) % 2;
        awaitAs(awaiting, first, waiters.get(first));
        awaitAs(awaiting, 1 - first, waiters.get(1 - first));
      }

      assertSame(
          waiters.get(0), seenInBody.get(0), "Waiters.current() of parent 0, iteration " + i);
      assertSame(
          waiters.get(1), seenInBody.get(1), "Waiters.current() of parent 1, iteration " + i);
      if (!mixUps.isEmpty()) {
        throw new AssertionError("callbacks went to the wrong waiter: " + mixUps);
      }
      assertEquals("ab", parent0.result(), "iteration " + i);
      assertEquals("c", parent1.result(), "iteration " + i);
      assertTrue(Waiters.forThread(me).isEmpty(), "waiters left registered after iteration " + i);
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(seconds < 40, iterations + " iterations took " + seconds + " s");
  }

  private static void awaitAs(ArrayDeque<Integer> awaiting, int index, SyncWaiter<String> waiter) {
    awaiting.push(index);
    try {
      waiter.await();
    } finally {
      awaiting.pop();
    }
  }

  // ------------------------------------------------------------------ a callback that waits itself

  @Test
  void aCallbackSentToTheOuterWaiterWhileTheOwnerWaitsInANestedOneRunsFromTheNestedWait()
      throws Exception {
    Thread me = Thread.currentThread();
    WorkerPortal worker = newWorker("outer-parent-worker");
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch childStarted = new CountDownLatch(1);
    CountDownLatch secondOuterSent = new CountDownLatch(1);

    Call<String> child =
        Call.of(
            "child",
            () -> {
              childStarted.countDown();
              // The outer parent sends its second callback while the child's waiter is active.
              await(secondOuterSent);
              return Waiters.current()
                  .orElseThrow()
                  .submit(
                      Call.of(
                          () -> {
                            List<Waiter<?>> stack = Waiters.forThread(me);
                            events.add("child callback, waiters on thread=" + stack.size());
                            return stack.get(stack.size() - 1).call().name();
                          }))
                  .result(WAIT);
            });
    Call<String> outer =
        Call.of(
            "outer",
            () -> {
              Waiter<?> own = Waiters.current().orElseThrow();
              Call<String> first =
                  own.submit(
                      Call.of(
                          () -> {
                            events.add("outer callback 1 starts");
                            String innermost = FromSync.callInNewThread(child);
                            events.add("outer callback 1 ends");
                            return innermost;
                          }));
              await(childStarted);
              Call<String> second =
                  own.submit(
                      Call.of(
                          () -> {
                            events.add(
                                "outer callback 2, waiters on thread="
                                    + Waiters.forThread(me).size());
                            return "second";
                          }));
              secondOuterSent.countDown();
              return first.result(WAIT) + "/" + second.result(WAIT);
            });
    SyncWaiter<String> waiter = Waiters.sync(outer);
    worker.submit(outer);
    waiter.await();
    assertEquals(
        "child/second", outer.result(), "the child's callback saw the child's waiter innermost");
    assertEquals(4, events.size(), events.toString());
    assertEquals("outer callback 1 starts", events.get(0));
    assertEquals("outer callback 1 ends", events.get(3));
    assertTrue(
        events.contains("outer callback 2, waiters on thread=2"),
        "the outer waiter's second callback ran from the nested wait: " + events);
    assertTrue(events.contains("child callback, waiters on thread=2"), events.toString());
    assertTrue(Waiters.forThread(me).isEmpty());
  }

  @Test
  void fiveLevelsOfWaitersOnOneThreadStackInnermostLastAndUnwind() throws Exception {
    Thread me = Thread.currentThread();
    List<String> events = new CopyOnWriteArrayList<>();
    String result = FromSync.callInNewThread(level(1, 5, me, events));
    assertEquals("1>2>3>4>5", result);
    assertEquals(
        List.of(
            "level 1 depth 1",
            "level 2 depth 2",
            "level 3 depth 3",
            "level 4 depth 4",
            "level 5 depth 5"),
        events);
    assertTrue(Waiters.forThread(me).isEmpty());
  }

  /**
   * A call that sends a callback home; the callback waits for the next level from the home thread.
   */
  private static Call<String> level(int depth, int max, Thread home, List<String> events) {
    return Call.of(
        "level-" + depth,
        () -> {
          Waiter<?> own = Waiters.current().orElseThrow();
          return own.submit(
                  Call.of(
                      () -> {
                        List<Waiter<?>> stack = Waiters.forThread(home);
                        if (Thread.currentThread() != home || stack.get(stack.size() - 1) != own) {
                          events.add("level " + depth + " ran in the wrong waiter");
                        }
                        events.add("level " + depth + " depth " + stack.size());
                        if (depth == max) {
                          return String.valueOf(depth);
                        }
                        return depth
                            + ">"
                            + FromSync.callInNewThread(level(depth + 1, max, home, events));
                      }))
              .result(WAIT);
        });
  }

  // ------------------------------------------------------------------ async waiters on one loop

  @Test
  void asyncWaitersOfOneLoopEachGetTheirOwnCallbacks() throws Exception {
    LoopPortal loop = Portals.newEventLoopThread();
    portals.add(loop);
    Thread loopThread = loop.submit(Thread::currentThread).result(WAIT);
    int pairs = 200;
    List<String> mixUps = new CopyOnWriteArrayList<>();
    List<CompletableFuture<String>> futures =
        loop.submit(
                Call.of(
                    () -> {
                      List<CompletableFuture<String>> started = new ArrayList<>();
                      for (int i = 0; i < pairs * 2; i++) {
                        String id = "parent-" + i;
                        Call<String> parent =
                            Call.of(
                                id,
                                () -> {
                                  Waiter<?> own = Waiters.current().orElseThrow();
                                  if (own.call() != Call.current().orElseThrow()) {
                                    mixUps.add(id + " got the waiter of " + own.call().name());
                                  }
                                  return own.submit(
                                          Call.of(
                                              () -> {
                                                if (Thread.currentThread() != loopThread) {
                                                  mixUps.add(id + "'s callback ran off the loop");
                                                }
                                                return id;
                                              }))
                                      .result(WAIT);
                                });
                        started.add(FromAsync.callInNewThread(parent));
                      }
                      return started;
                    }))
            .result(WAIT);
    for (int i = 0; i < futures.size(); i++) {
      assertEquals("parent-" + i, futures.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(List.of(), mixUps);
    awaitNoWaitersOn(loopThread);
  }

  private static void awaitNoWaitersOn(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Waiters.forThread(thread).isEmpty()) {
      assertTrue(
          System.nanoTime() < deadline,
          "waiters left on " + thread + ": " + Waiters.forThread(thread));
      Thread.sleep(5); // polling a state with a deadline
    }
  }
}

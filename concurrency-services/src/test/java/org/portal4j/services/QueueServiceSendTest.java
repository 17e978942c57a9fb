package org.portal4j.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.Call;
import org.portal4j.FromAsync;
import org.portal4j.FromSync;
import org.portal4j.core.LogCapture;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class QueueServiceSendTest {

  private final Object key = new Object();

  @AfterEach
  void drainLeftovers() {
    assertTrue(AbstractQueueService.drainAll(AbstractQueueService.class, Duration.ofSeconds(10)));
  }

  private TestService service(TestService.Handler handler) {
    return QueueService.instance(TestService.class, key, () -> new TestService(handler));
  }

  @Test
  void tenThousandItemsFromEightSendersAreAllHandledOnceInPerSenderOrder() throws Exception {
    TestService service = service(item -> null);
    int senders = 8;
    int perSender = 1250;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      int sender = s;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perSender; i++) {
                  service.send(sender + ":" + i);
                }
              },
              "sender-" + s);
      t.start();
      threads.add(t);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    service.drain();

    List<String> handled = List.copyOf(service.handled);
    assertEquals(senders * perSender, handled.size());
    assertEquals(senders * perSender, new HashSet<>(handled).size(), "each item exactly once");
    Map<String, Integer> last = new HashMap<>();
    for (String item : handled) {
      String[] parts = item.split(":");
      int index = Integer.parseInt(parts[1]);
      int previous = last.getOrDefault(parts[0], -1);
      assertEquals(previous + 1, index, "sender " + parts[0] + " out of order");
      last.put(parts[0], index);
    }
  }

  @Test
  void aFailingItemIsLoggedAndTheNextOneIsHandled() {
    try (LogCapture logs = LogCapture.start()) {
      TestService service =
          service(
              item -> {
                if (item.equals("throws")) {
                  throw new IllegalArgumentException("bad item");
                }
                if (item.equals("fails")) {
                  return CompletableFuture.failedFuture(new IllegalStateException("bad stage"));
                }
                return null;
              });
      for (String item : List.of("a", "throws", "b", "fails", "c")) {
        service.send(item);
      }
      service.drain();
      assertEquals(List.of("a", "b", "c"), service.handled);
      List<String> errors = logs.messages(Level.ERROR);
      assertEquals(2, errors.size(), errors.toString());
      assertTrue(errors.get(0).contains("failed to handle throws"), errors.toString());
      assertTrue(errors.get(1).contains("failed to handle fails"), errors.toString());
    }
  }

  @Test
  void sendReturnsAtOnceWhileTheConsumerIsBlocked() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TestService service =
        service(
            item ->
                item.equals("blocker")
                    ? FromAsync.callInNewThread(
                        () -> {
                          entered.countDown();
                          release.await();
                          return null;
                        })
                    : null);
    try {
      service.send("blocker");
      entered.await();
      for (int i = 0; i < 1000; i++) {
        service.send("item-" + i); // would hang here (and time out) if send waited for the consumer
      }
      assertEquals(1001, service.pendingCount());
      // The blocked handler holds no thread of the loop: the loop still runs other work.
      assertEquals("free", FromSync.callInLoopThread(() -> "free", Duration.ofSeconds(10)));
    } finally {
      release.countDown();
    }
    service.drain();
    assertEquals(1001, service.handled.size());
  }

  @Test
  void sendReturnsAtOnceWhileTheSenderHoldsALockTheConsumerWants() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    TestService service =
        service(
            item ->
                FromAsync.callInNewThread(
                    () -> {
                      lock.lock();
                      lock.unlock();
                      return null;
                    }));
    lock.lock();
    try {
      service.send("first");
      Await.until("the consumer waits for the lock", lock::hasQueuedThreads);
      for (int i = 0; i < 100; i++) {
        service.send("item-" + i);
      }
      assertEquals(101, service.pendingCount());
    } finally {
      lock.unlock();
    }
    service.drain();
    assertEquals(101, service.handled.size());
  }

  @Test
  void sendReturnsAtOnceEvenWhenASyncHandlerBlocksTheLoopOnTheSendersLock() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    TestService service =
        service(
            item -> {
              lock.lock(); // wrong in a real handler (it blocks the loop), but send must not care
              lock.unlock();
              return null;
            });
    lock.lock();
    try {
      service.send("first");
      Await.until("the loop waits for the lock", lock::hasQueuedThreads);
      for (int i = 0; i < 100; i++) {
        service.send("item-" + i);
      }
      assertEquals(101, service.pendingCount());
    } finally {
      lock.unlock();
    }
    service.drain();
    assertEquals(101, service.handled.size());
  }

  @Test
  void prepareRunsOnTheSendersThreadBeforeTheItemIsQueued() throws Exception {
    TestService service =
        QueueService.instance(
            TestService.class,
            key,
            () ->
                TestService.recording()
                    .preparing(item -> item + "@" + Thread.currentThread().getName()));
    Thread sender = new Thread(() -> service.send("x"), "the-sender");
    sender.start();
    sender.join();
    service.drain();
    assertEquals(List.of("x@the-sender"), service.handled);
  }

  @Test
  void sendAfterTheServiceStoppedThrows() {
    TestService service = service(item -> null);
    service.drain();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> service.send("late"));
    assertTrue(e.getMessage().contains("stopped"), e.getMessage());
  }

  @Test
  void itemsAreHandledOnTheGlobalLoopOneAtATime() {
    AtomicInteger active = new AtomicInteger();
    AtomicInteger mostActive = new AtomicInteger();
    TestService service =
        service(
            item ->
                FromAsync.callInNewThread(
                    () -> {
                      mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                      Thread.yield();
                      active.decrementAndGet();
                      return null;
                    }));
    for (int i = 0; i < 20; i++) {
      service.send("item-" + i);
    }
    service.drain();
    assertEquals(20, service.handled.size());
    assertEquals(1, mostActive.get());
    assertTrue(
        service.events.stream()
            .filter(e -> e.startsWith("handle"))
            .allMatch(e -> e.endsWith("on GlobalEventLoopThread")),
        service.events.toString());
  }

  @Test
  void aHandlerMaySendToItsOwnService() {
    AtomicReference<TestService> self = new AtomicReference<>();
    TestService service =
        service(
            item -> {
              if (item.equals("ping")) {
                self.get().send("pong"); // on the loop thread, inside handling
              }
              return null;
            });
    self.set(service);
    service.send("ping");
    service.waitUntilEmpty();
    service.drain();
    assertEquals(List.of("ping", "pong"), service.handled);
  }

  @Test
  void nullItemsAreRejected() {
    TestService service = service(item -> null);
    assertThrows(NullPointerException.class, () -> service.send(null));
    TestService nulling =
        QueueService.instance(
            TestService.class, "nulling", () -> TestService.recording().preparing(item -> null));
    assertThrows(NullPointerException.class, () -> nulling.send("x"));
  }

  @Test
  void aSendFromAnotherCallOnTheLoopIsHandled() {
    TestService service = service(item -> null);
    FromSync.callInLoopThread(
        Call.of(
            () -> {
              service.send("from a loop call");
              return null;
            }));
    service.drain();
    assertEquals(List.of("from a loop call"), service.handled);
  }
}

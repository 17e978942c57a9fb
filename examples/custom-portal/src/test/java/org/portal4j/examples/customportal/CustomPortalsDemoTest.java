package org.portal4j.examples.customportal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.portal4j.test.CheckThreadLeaks;

@CheckThreadLeaks
@Timeout(60)
class CustomPortalsDemoTest {

  @Test
  void theDemoRunsWorkersOnTheAppPoolAndAnswersOnThePumpingMainThread() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      CustomPortalsDemo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);

    assertTrue(out.contains("worker backend: executor"), out);
    assertTrue(out.contains("worker call ran on app-pool-"), out);
    assertTrue(out.contains("callInNewThread ran on app-pool-"), out);
    assertTrue(
        out.contains(
            "a pool thread asked main and got: answered on " + Thread.currentThread().getName()),
        out);
  }
}

package org.portal4j.benchmarks.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns a JMH JSON result file into the Markdown tables of {@code docs/benchmarks.md}: per shape of
 * issue 12, each portal4j variant beside the peer it is held to in the same run (the fastest, or
 * the one the target names), the ratio and the target; then every result.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.portal4j.benchmarks.report.BenchmarkReport results.json
 * </pre>
 *
 * Numbers are medians of the measurement iterations' scores (all forks together), each iteration's
 * score being JMH's average over that iteration; JMH's own score, the mean of the same iteration
 * scores with the half-width of its 99.9% confidence interval, is shown beside it.
 */
public final class BenchmarkReport {

  private BenchmarkReport() {}

  /** A shape measured against peers of the same class: ratio = portal4j / peer. */
  private record Shape(
      String title,
      String benchmarkClass,
      Predicate<Result> subjects,
      Predicate<Result> peers,
      boolean againstFastest,
      double target,
      String targetText) {}

  private static final Predicate<Result> ALL_PEERS = r -> !r.isPortal4j();

  private static Predicate<Result> method(String name) {
    return r -> r.method().equals(name);
  }

  private static final List<Shape> SHAPES =
      List.of(
          new Shape(
              "loop round trip (submit + result)",
              "LoopRoundTripBenchmark",
              Result::isPortal4j,
              ALL_PEERS,
              true,
              1.0,
              "≤ 1.0× fastest peer"),
          new Shape(
              "call on a new virtual thread, 10 s timeout",
              "NewVirtualThreadCallBenchmark",
              Result::isPortal4j,
              ALL_PEERS,
              true,
              1.2,
              "≤ 1.2× fastest peer"),
          new Shape(
              "call on a new platform thread, 10 s timeout",
              "NewPlatformThreadCallBenchmark",
              Result::isPortal4j,
              ALL_PEERS,
              true,
              1.1,
              "≤ 1.1× fastest peer"),
          new Shape(
              "waiter round trip, new virtual thread",
              "WaiterNewVirtualThreadBenchmark",
              Result::isPortal4j,
              ALL_PEERS,
              true,
              1.1,
              "≤ 1.1× hand-built JDK flow"),
          new Shape(
              "waiter round trip, reused worker",
              "WaiterReusedWorkerBenchmark",
              Result::isPortal4j,
              ALL_PEERS,
              true,
              1.1,
              "≤ 1.1× hand-built JDK flow"),
          new Shape(
              "fire-and-forget into one loop, `submit(Call)`",
              "FireAndForgetBenchmark",
              r -> r.isPortal4j() && r.method().endsWith("SubmitCall"),
              method("vertxRunOnContext"),
              false,
              1.0,
              "≥ 1.0× Vert.x `runOnContext`"),
          new Shape(
              "fire-and-forget into one loop, `execute(Runnable)`",
              "FireAndForgetBenchmark",
              r -> r.isPortal4j() && r.method().endsWith("Execute"),
              method("nettyNioEventLoop"),
              false,
              0.5,
              "≥ 0.5× Netty NIO loop"),
          new Shape(
              "a timed call run inline (no handoff)",
              "InlineTimedCallBenchmark",
              method("portal4jTimedCallRun"),
              method("jdkCompletableFutureOrTimeout"),
              false,
              1.0,
              "≤ 1.0× `CompletableFuture.orTimeout`"),
          new Shape(
              "worker round trip (not in issue 12's table)",
              "WorkerRoundTripBenchmark",
              Result::isPortal4j,
              ALL_PEERS,
              true,
              Double.NaN,
              "none"));

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: BenchmarkReport results.json   (JMH -rf json)");
      System.exit(2);
    }
    List<Result> results = new ArrayList<>();
    for (Object entry : new JsonArray(Files.readString(Path.of(args[0])))) {
      results.add(Result.of((JsonObject) entry));
    }
    StringBuilder out = new StringBuilder();
    targets(results, out);
    out.append('\n');
    everything(results, out);
    System.out.print(out);
  }

  private static void targets(List<Result> results, StringBuilder out) {
    out.append("| shape | portal4j | median (mean ± 99.9% CI) | held to (same run) | its median |")
        .append(" ratio | target | met |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (Shape shape : SHAPES) {
      List<Result> inClass = inClass(results, shape.benchmarkClass());
      List<Result> peers = inClass.stream().filter(shape.peers()).toList();
      for (Result subject : inClass.stream().filter(shape.subjects()).toList()) {
        Optional<Result> peer =
            shape.againstFastest() || peers.size() > 1 ? best(peers) : peers.stream().findFirst();
        double ratio = peer.map(p -> subject.median() / p.median()).orElse(Double.NaN);
        boolean met = subject.higherIsBetter() ? ratio >= shape.target() : ratio <= shape.target();
        out.append(
            row(
                shape.title(),
                "`" + subject.label() + "`",
                score(subject),
                peer.map(p -> "`" + p.label() + "`").orElse("–"),
                peer.map(p -> number(p.median()) + " " + unit(p)).orElse("–"),
                ratio(ratio),
                shape.targetText(),
                verdict(shape.target(), ratio, met, peer.filter(subject::overlaps).isPresent())));
      }
    }
    timeoutCost(results, out);
    forcedSpinTimeoutCost(results, out, "Caught", "every hand-over caught (spin forced on)");
    forcedSpinTimeoutCost(results, out, "Parked", "every hand-over parked (spin off)");
    bytes(results, out, "LoopRoundTripBenchmark", "bytes allocated per loop round trip", 160);
    bytes(results, out, "CallOfBenchmark", "bytes allocated per `Call.of`", 96);
  }

  /** Timed / untimed, per method, from the two loop round-trip classes of the same run. */
  private static void timeoutCost(List<Result> results, StringBuilder out) {
    List<Result> untimed = inClass(results, "LoopRoundTripBenchmark");
    Map<Result, Double> cost = new LinkedHashMap<>();
    Map<Result, Boolean> overlapping = new LinkedHashMap<>();
    for (Result timed : inClass(results, "LoopRoundTripTimeoutBenchmark")) {
      untimed.stream()
          .filter(u -> u.sameVariantAs(timed))
          .findFirst()
          .ifPresent(
              u -> {
                cost.put(timed, timed.median() / u.median());
                overlapping.put(timed, timed.overlaps(u));
              });
    }
    String peers =
        cost.entrySet().stream()
            .filter(e -> !e.getKey().isPortal4j())
            .map(e -> "`" + e.getKey().label() + "` " + ratio(e.getValue()))
            .collect(Collectors.joining(", "));
    cost.forEach(
        (timed, ratio) -> {
          if (timed.isPortal4j()) {
            out.append(
                row(
                    "cost of a 10 s timeout on a loop round trip (timed / untimed)",
                    "`" + timed.label() + "`",
                    score(timed),
                    peers.isEmpty() ? "–" : peers,
                    "–",
                    ratio(ratio),
                    "≤ 1.10×",
                    verdict(1.10, ratio, ratio <= 1.10, overlapping.get(timed))));
          }
        });
  }

  /**
   * Timed / untimed on the platform loop with the spin forced one way ({@code
   * TimeoutCostBenchmark}): the timeout's own cost, without the spin's catch rate moving between
   * forks.
   */
  private static void forcedSpinTimeoutCost(
      List<Result> results, StringBuilder out, String mode, String how) {
    List<Result> inClass = inClass(results, "TimeoutCostBenchmark");
    Optional<Result> timed = inClass.stream().filter(method("timed" + mode)).findFirst();
    Optional<Result> untimed = inClass.stream().filter(method("untimed" + mode)).findFirst();
    if (timed.isEmpty() || untimed.isEmpty()) {
      return;
    }
    Result t = timed.get();
    Result u = untimed.get();
    double ratio = t.median() / u.median();
    out.append(
        row(
            "cost of a 10 s timeout on the platform loop's round trip, " + how,
            "`" + t.label() + "`",
            score(t),
            "`" + u.label() + "`",
            number(u.median()) + " " + unit(u),
            ratio(ratio),
            "≤ 1.10×",
            verdict(1.10, ratio, ratio <= 1.10, t.overlaps(u))));
  }

  private static void bytes(
      List<Result> results, StringBuilder out, String benchmarkClass, String title, int target) {
    List<Result> inClass =
        inClass(results, benchmarkClass).stream()
            .filter(r -> !Double.isNaN(r.bytesPerOp()))
            .toList();
    Optional<Result> leanestPeer =
        inClass.stream().filter(ALL_PEERS).min(Comparator.comparingDouble(Result::bytesPerOp));
    for (Result subject : inClass.stream().filter(Result::isPortal4j).toList()) {
      out.append(
          row(
              title,
              "`" + subject.label() + "`",
              bytes(subject.bytesPerOp()),
              leanestPeer.map(p -> "`" + p.label() + "` (leanest peer)").orElse("–"),
              leanestPeer.map(p -> bytes(p.bytesPerOp())).orElse("–"),
              leanestPeer.map(p -> ratio(subject.bytesPerOp() / p.bytesPerOp())).orElse("–"),
              "≤ " + target + " B",
              // JMH's own bookkeeping adds a few thousandths of a byte per operation.
              Math.round(subject.bytesPerOp()) <= target ? "yes" : "**no**"));
    }
  }

  private static void everything(List<Result> results, StringBuilder out) {
    out.append("| benchmark | median | mean ± 99.9% CI | unit | B/op (`-prof gc`) |\n")
        .append("|---|---|---|---|---|\n");
    for (Result r : results) {
      out.append(
          "| `"
              + r.benchmarkClass()
              + "."
              + r.label()
              + "` | "
              + number(r.median())
              + " | "
              + number(r.mean())
              + " ± "
              + number(r.error())
              + " | "
              + unit(r)
              + " | "
              + (Double.isNaN(r.bytesPerOp()) ? "–" : number(r.bytesPerOp()))
              + " |\n");
    }
  }

  private static List<Result> inClass(List<Result> results, String benchmarkClass) {
    return results.stream().filter(r -> r.benchmarkClass().equals(benchmarkClass)).toList();
  }

  /** The fastest: lowest time, or highest throughput. */
  private static Optional<Result> best(List<Result> peers) {
    Comparator<Result> byMedian = Comparator.comparingDouble(Result::median);
    return peers.stream()
        .min(peers.stream().anyMatch(Result::higherIsBetter) ? byMedian.reversed() : byMedian);
  }

  /** Met or not, and whether the two confidence intervals overlap (the run cannot tell). */
  private static String verdict(double target, double ratio, boolean met, boolean overlap) {
    if (Double.isNaN(target) || Double.isNaN(ratio)) {
      return overlap ? "– (CIs overlap)" : "–";
    }
    return (met ? "yes" : "**no**") + (overlap ? " (CIs overlap)" : "");
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String score(Result r) {
    return number(r.median())
        + " "
        + unit(r)
        + " ("
        + number(r.mean())
        + " ± "
        + number(r.error())
        + ")";
  }

  private static String unit(Result r) {
    return switch (r.unit()) {
      case "us/op" -> "µs";
      case "ns/op" -> "ns";
      case "ops/us" -> "M/s";
      default -> r.unit();
    };
  }

  private static String bytes(double b) {
    return Double.isNaN(b) ? "–" : String.format(Locale.ROOT, "%.0f B", b);
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "×%.2f", r);
  }

  /** Three significant digits or so, never in scientific notation. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    String pattern = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(Locale.ROOT, pattern, v);
  }
}

package org.portal4j.benchmarks.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark of a JMH JSON result file ({@code -rf json}): its class, method and parameters, and
 * the numbers the report uses.
 *
 * @param benchmarkClass the simple name of the benchmark class
 * @param method the benchmark method
 * @param params the JMH parameters, in name order
 * @param mode JMH's mode ({@code avgt}, {@code thrpt})
 * @param unit the score's unit, such as {@code us/op} or {@code ops/us}
 * @param median the median of the measurement iterations' scores, all forks together
 * @param mean JMH's score: the mean of the measurement iterations' scores
 * @param error JMH's scoreError: the half-width of the 99.9% confidence interval of the mean (NaN
 *     with fewer than two iterations)
 * @param iterations how many measurement iteration scores there were
 * @param bytesPerOp {@code gc.alloc.rate.norm} from {@code -prof gc}, or NaN without it
 */
record Result(
    String benchmarkClass,
    String method,
    Map<String, String> params,
    String mode,
    String unit,
    double median,
    double mean,
    double error,
    int iterations,
    double bytesPerOp) {

  static Result of(JsonObject entry) {
    String benchmark = entry.getString("benchmark");
    int lastDot = benchmark.lastIndexOf('.');
    String className = benchmark.substring(0, lastDot);
    Map<String, String> params = new TreeMap<>();
    JsonObject p = entry.getJsonObject("params");
    if (p != null) {
      for (String name : p.fieldNames()) {
        params.put(name, String.valueOf(p.getValue(name)));
      }
    }
    JsonObject primary = entry.getJsonObject("primaryMetric");
    List<Double> scores = new ArrayList<>();
    for (Object fork : primary.getJsonArray("rawData")) {
      for (Object score : (JsonArray) fork) {
        scores.add(((Number) score).doubleValue());
      }
    }
    JsonObject secondary = entry.getJsonObject("secondaryMetrics");
    JsonObject alloc = secondary == null ? null : secondary.getJsonObject("gc.alloc.rate.norm");
    return new Result(
        className.substring(className.lastIndexOf('.') + 1),
        benchmark.substring(lastDot + 1),
        Collections.unmodifiableMap(params),
        entry.getString("mode"),
        primary.getString("scoreUnit"),
        median(scores),
        number(primary.getValue("score")),
        number(primary.getValue("scoreError")),
        scores.size(),
        alloc == null ? Double.NaN : number(alloc.getValue("score")));
  }

  /** JMH writes NaN as the string "NaN". */
  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static double median(List<Double> scores) {
    List<Double> sorted = new ArrayList<>(scores);
    Collections.sort(sorted);
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  boolean isPortal4j() {
    return method.startsWith("portal4j");
  }

  boolean higherIsBetter() {
    return mode.equals("thrpt");
  }

  /** The method with its parameters, as the report names it. */
  String label() {
    if (params.isEmpty()) {
      return method;
    }
    StringBuilder s = new StringBuilder(method).append(" [");
    params.forEach(
        (k, v) -> s.append(s.charAt(s.length() - 1) == '[' ? "" : ", ").append(k + "=" + v));
    return s.append(']').toString();
  }

  /**
   * Whether the 99.9% confidence intervals of the two means overlap: then the run does not tell the
   * two apart, whatever the ratio of their medians says.
   */
  boolean overlaps(Result other) {
    return low() <= other.high() && other.low() <= high();
  }

  private double low() {
    return Double.isNaN(error) ? mean : mean - error;
  }

  private double high() {
    return Double.isNaN(error) ? mean : mean + error;
  }

  /** Same method and parameters (in another class). */
  boolean sameVariantAs(Result other) {
    return method.equals(other.method) && params.equals(other.params);
  }
}

package org.portal4j.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.portal4j.InFlightCall;

/**
 * What the runtime can tell about its calls, and its stuck-call watchdog: backs {@link
 * org.portal4j.Diagnostics}. Part of {@link ConcurrencyRuntime}; a runtime that does not override
 * {@link ConcurrencyRuntime#diagnostics()} gets {@link #NONE}.
 *
 * @since 0.1
 */
public interface RuntimeDiagnostics {

  /**
   * For runtimes without diagnostics: no calls in flight, and no watchdog (turning it off is
   * accepted, turning it on is not).
   *
   * @since 0.1
   */
  RuntimeDiagnostics NONE =
      new RuntimeDiagnostics() {
        @Override
        public List<InFlightCall> inFlight() {
          return List.of();
        }

        @Override
        public void watchdog(Duration threshold) {
          if (threshold != null && !threshold.isZero() && !threshold.isNegative()) {
            throw new UnsupportedOperationException(
                "This portal4j runtime has no stuck-call watchdog");
          }
        }

        @Override
        public Optional<Duration> watchdog() {
          return Optional.empty();
        }
      };

  /**
   * Backs {@link org.portal4j.Diagnostics#inFlight()}.
   *
   * @return the calls queued and running now
   */
  List<InFlightCall> inFlight();

  /**
   * Backs {@link org.portal4j.Diagnostics#watchdog(Duration)}.
   *
   * @param threshold how long a call may run before a warning; null, zero or negative for off
   */
  void watchdog(Duration threshold);

  /**
   * Backs {@link org.portal4j.Diagnostics#watchdog()}.
   *
   * @return the threshold of the running watchdog, empty when it is off
   */
  Optional<Duration> watchdog();
}

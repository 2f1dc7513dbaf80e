package io.pincluster.monitor;

import java.time.Instant;

/** Instants as the Unix nanoseconds that {@code Metric.expire} and {@code received_at} use. */
final class UnixNanos {
  private UnixNanos() {}

  /** {@code instant} in Unix nanoseconds (saturating: far-future instants give Long.MAX_VALUE). */
  static long of(Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}

package io.pincluster.core.api;

import io.pincluster.core.peer.PeerId;

/**
 * A measurement one peer publishes about itself (ping, freespace, tag:…).
 *
 * @param value the measurement as text
 * @param expire Unix time in nanoseconds after which the metric is stale
 * @param weight what allocators sort by (higher is preferred)
 * @param receivedAt Unix nanoseconds when this peer received it
 */
public record Metric(
    String name,
    PeerId peer,
    String value,
    long expire,
    boolean valid,
    long weight,
    boolean partitionable,
    long receivedAt) {

  /**
   * {@code instant} in the Unix nanoseconds that {@link #expire()} and {@link #receivedAt()} use
   * (saturating: far-future instants give Long.MAX_VALUE).
   */
  public static long unixNanos(java.time.Instant instant) {
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** True when {@code nowNanos} (Unix nanoseconds) is past {@link #expire()}. */
  public boolean expiredAt(long nowNanos) {
    return nowNanos > expire;
  }
}

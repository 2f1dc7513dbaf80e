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

  /** True when {@code nowNanos} (Unix nanoseconds) is past {@link #expire()}. */
  public boolean expiredAt(long nowNanos) {
    return nowNanos > expire;
  }
}

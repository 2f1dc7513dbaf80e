package io.pincluster.service.cluster;

import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The members' free space, asked of them at most once per {@code ttl}, so that a burst of pins
 * (bulk ingest) does not ask every peer once per pin. Thread-safe.
 */
final class FreeSpaceCache {
  private final Supplier<Map<PeerId, Long>> source;
  private final Duration ttl;
  private final InstantSource clock;
  private Map<PeerId, Long> value;
  private Instant fetchedAt = Instant.MIN;

  FreeSpaceCache(Supplier<Map<PeerId, Long>> source, Duration ttl, InstantSource clock) {
    this.source = source;
    this.ttl = ttl;
    this.clock = clock;
  }

  synchronized Map<PeerId, Long> get() {
    Instant now = clock.instant();
    if (value == null || !now.isBefore(fetchedAt.plus(ttl))) {
      value = Map.copyOf(source.get());
      fetchedAt = now;
    }
    return value;
  }
}

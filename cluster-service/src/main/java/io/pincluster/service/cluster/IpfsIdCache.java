package io.pincluster.service.cluster;

import io.pincluster.core.ClusterException;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.api.IpfsId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The local IPFS node's identity, asked at most once per {@link #TTL} (failures are retried on the
 * next call). Thread-safe.
 */
final class IpfsIdCache {
  static final Duration TTL = Duration.ofSeconds(30);
  private final IpfsConnector ipfs;
  private final InstantSource clock;
  private IpfsId value;
  private Instant fetchedAt = Instant.MIN;

  IpfsIdCache(IpfsConnector ipfs, InstantSource clock) {
    this.ipfs = ipfs;
    this.clock = clock;
  }

  synchronized IpfsId get() {
    Instant now = clock.instant();
    if (value != null && value.error().isEmpty() && now.isBefore(fetchedAt.plus(TTL))) {
      return value;
    }
    try {
      value = ipfs.id();
    } catch (ClusterException e) {
      value = IpfsId.unreachable(e.getMessage());
    }
    fetchedAt = now;
    return value;
  }
}

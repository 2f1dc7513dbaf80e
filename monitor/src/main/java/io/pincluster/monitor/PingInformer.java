package io.pincluster.monitor;

import io.pincluster.core.Informer;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.Metric;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's {@code ping}: published every {@code cluster.monitor_ping_interval}, alive for twice
 * that. Its value is the JSON {@code {"peer_name","ipfs_id","ipfs_addresses"}} (IPFS Cluster v1),
 * which other peers use to name this one. Always valid: when the IPFS identity cannot be had the
 * IPFS fields are empty (the ping is about the cluster peer, not its IPFS node). Thread-safe.
 */
public final class PingInformer implements Informer {
  private static final Logger log = LoggerFactory.getLogger(PingInformer.class);

  /** The ping's value. */
  public record PingValue(String peerName, String ipfsId, List<String> ipfsAddresses) {
    public PingValue {
      peerName = peerName == null ? "" : peerName;
      ipfsId = ipfsId == null ? "" : ipfsId;
      ipfsAddresses = ipfsAddresses == null ? List.of() : List.copyOf(ipfsAddresses);
    }

    /**
     * Reads a ping's value.
     *
     * @throws IllegalArgumentException when {@code json} is not one
     */
    public static PingValue parse(String json) {
      return Json.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), PingValue.class);
    }
  }

  private final PeerId self;
  private final String peerName;
  private final Duration interval;
  private final Supplier<IpfsId> ipfs;
  private final InstantSource clock;

  /**
   * @param interval {@code cluster.monitor_ping_interval}; must be positive
   * @param ipfs this peer's IPFS identity; should not block (pass a cached value), may throw
   */
  public PingInformer(
      PeerId self, String peerName, Duration interval, Supplier<IpfsId> ipfs, InstantSource clock) {
    this.self = Objects.requireNonNull(self, "self");
    this.peerName = Objects.requireNonNull(peerName, "peerName");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException(
          "monitor_ping_interval (" + GoDuration.format(interval) + ") must be > 0");
    }
    this.ipfs = Objects.requireNonNull(ipfs, "ipfs");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** How long a ping lives: twice {@code interval}. */
  public static Duration ttlFor(Duration interval) {
    return interval.multipliedBy(2);
  }

  /** How long this peer's ping lives (twice the interval; it is published every interval). */
  public Duration ttl() {
    return ttlFor(interval);
  }

  @Override
  public String name() {
    return MetricsMonitor.PING;
  }

  @Override
  public Metric metric() {
    IpfsId id;
    try {
      id = ipfs.get();
    } catch (RuntimeException e) {
      log.debug("ping without the IPFS identity: {}", e.toString());
      id = IpfsId.unreachable(e.toString());
    }
    if (id == null) {
      id = IpfsId.unreachable("unknown");
    }
    String value = Json.toText(new PingValue(peerName, id.id(), id.addresses()));
    Instant now = clock.instant();
    return new Metric(
        MetricsMonitor.PING, self, value, Metric.unixNanos(now.plus(ttl())), true, 0, false, 0);
  }
}

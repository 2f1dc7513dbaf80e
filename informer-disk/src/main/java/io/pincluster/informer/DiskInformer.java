package io.pincluster.informer;

import io.pincluster.core.Informer;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.config.DiskInformerSection;
import io.pincluster.core.peer.PeerId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code informer.disk} metric, read from IPFS {@code repo/stat}:
 *
 * <ul>
 *   <li>{@code freespace}: weight and value = StorageMax − RepoSize; invalid when that is ≤ 0 (a
 *       full peer is not offered for new pins);
 *   <li>{@code reposize}: value = RepoSize, weight = −RepoSize (smaller repositories first).
 * </ul>
 *
 * A reading that fails (IPFS down or slow) or that IPFS reports negative sizes for is invalid and
 * therefore not published. Not partitionable; lives {@code metric_ttl}. Blocks on IPFS for at most
 * its timeout. Thread-safe.
 */
public final class DiskInformer implements Informer {
  private static final Logger log = LoggerFactory.getLogger(DiskInformer.class);

  public static final String FREESPACE = "freespace";
  public static final String REPOSIZE = "reposize";

  private final DiskInformerSection config;
  private final IpfsConnector ipfs;
  private final PeerId self;
  private final InstantSource clock;
  private final AtomicBoolean lastValid = new AtomicBoolean(true);

  public DiskInformer(
      DiskInformerSection config, IpfsConnector ipfs, PeerId self, InstantSource clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.ipfs = Objects.requireNonNull(ipfs, "ipfs");
    this.self = Objects.requireNonNull(self, "self");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@code metric_ttl}: how long a reading lives (it is published every half of it). */
  public Duration ttl() {
    return config.metricTtl();
  }

  /** {@code freespace} or {@code reposize}, as configured. */
  @Override
  public String name() {
    return config.metricType();
  }

  @Override
  public Metric metric() {
    long expire = Metric.unixNanos(clock.instant().plus(config.metricTtl()));
    RepoStat stat;
    try {
      stat = ipfs.repoStat();
    } catch (RuntimeException e) {
      return invalid(expire, "IPFS repo/stat failed: " + e.getMessage());
    }
    if (stat.repoSize() < 0 || stat.storageMax() < 0) {
      return invalid(expire, "IPFS reported negative sizes: " + stat);
    }
    if (REPOSIZE.equals(config.metricType())) {
      return reading(Long.toString(stat.repoSize()), -stat.repoSize(), expire);
    }
    long free = stat.storageMax() - stat.repoSize();
    if (free <= 0) {
      return invalid(
          expire, "no free space: repo size " + stat.repoSize() + " >= " + stat.storageMax());
    }
    return reading(Long.toString(free), free, expire);
  }

  private Metric reading(String value, long weight, long expire) {
    if (!lastValid.getAndSet(true)) {
      log.info("{} metric valid again: {}", name(), value);
    }
    return new Metric(name(), self, value, expire, true, weight, false, 0);
  }

  private Metric invalid(long expire, String why) {
    if (lastValid.getAndSet(false)) {
      log.warn("{} metric invalid, not published: {}", name(), why);
    } else {
      log.debug("{} metric still invalid: {}", name(), why);
    }
    return new Metric(name(), self, "", expire, false, 0, false, 0);
  }
}

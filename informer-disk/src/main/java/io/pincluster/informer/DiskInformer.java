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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * A reading that fails (IPFS down, or its timeout passed) or that IPFS reports negative sizes for
 * is invalid and therefore not published. Not partitionable; lives {@code metric_ttl}.
 *
 * <p>Slow nodes: {@code repo/stat} runs on this informer's own thread ({@code informer-disk}), at
 * most one call at a time. {@link #metric()} waits for it at most {@code metric_ttl}/4 (the
 * publisher's retry period); while the call is still in flight after that, the last valid reading
 * is given again with a new expiry (a node that walks a large repository for {@code repo/stat}, as
 * js-ipfs does, must not let the peer's only free-space metric expire and make allocations fail),
 * or an invalid metric when there was none. The call itself stays bounded by the connector's {@code
 * ipfs_request_timeout}; its answer is used by the next {@link #metric()}. Thread-safe; {@link
 * #close()} stops the thread.
 */
public final class DiskInformer implements Informer, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiskInformer.class);

  public static final String FREESPACE = "freespace";
  public static final String REPOSIZE = "reposize";

  private final DiskInformerSection config;
  private final IpfsConnector ipfs;
  private final PeerId self;
  private final InstantSource clock;
  private final AtomicBoolean lastValid = new AtomicBoolean(true);
  private final ExecutorService reads =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "informer-disk");
            t.setDaemon(true);
            return t;
          });
  private CompletableFuture<RepoStat> inFlight; // guarded by this
  private volatile Reading lastReading; // the last valid one, or null

  private record Reading(String value, long weight) {}

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
    CompletableFuture<RepoStat> call = call();
    RepoStat stat;
    try {
      stat = call.get(patience().toMillis(), TimeUnit.MILLISECONDS);
      forget(call);
    } catch (TimeoutException e) {
      Reading last = lastReading;
      if (last == null) {
        return invalid(expire, "IPFS repo/stat has not answered yet");
      }
      log.debug("IPFS repo/stat still in flight: {} metric kept at {}", name(), last.value());
      return new Metric(name(), self, last.value(), expire, true, last.weight(), false, 0);
    } catch (ExecutionException e) {
      forget(call);
      return invalid(expire, "IPFS repo/stat failed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return invalid(expire, "interrupted while waiting for IPFS repo/stat");
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

  /** How long {@link #metric()} waits for {@code repo/stat}: the publisher's retry period. */
  Duration patience() {
    return config.metricTtl().dividedBy(4);
  }

  /**
   * The {@code repo/stat} call in flight (possibly finished since: its answer is still to be used),
   * or a new one. {@link #forget} it once its answer is used.
   */
  private synchronized CompletableFuture<RepoStat> call() {
    if (inFlight == null) {
      try {
        inFlight = CompletableFuture.supplyAsync(ipfs::repoStat, reads);
      } catch (RejectedExecutionException e) {
        inFlight =
            CompletableFuture.failedFuture(
                new IllegalStateException("the disk informer is closed"));
      }
    }
    return inFlight;
  }

  private synchronized void forget(CompletableFuture<RepoStat> done) {
    if (inFlight == done) {
      inFlight = null;
    }
  }

  /** Stops the {@code informer-disk} thread (interrupting a call in flight). Idempotent. */
  @Override
  public void close() {
    reads.shutdownNow();
  }

  private Metric reading(String value, long weight, long expire) {
    lastReading = new Reading(value, weight);
    if (!lastValid.getAndSet(true)) {
      log.info("{} metric valid again: {}", name(), value);
    }
    return new Metric(name(), self, value, expire, true, weight, false, 0);
  }

  private Metric invalid(long expire, String why) {
    lastReading = null;
    if (lastValid.getAndSet(false)) {
      log.warn("{} metric invalid, not published: {}", name(), why);
    } else {
      log.debug("{} metric still invalid: {}", name(), why);
    }
    return new Metric(name(), self, "", expire, false, 0, false, 0);
  }
}

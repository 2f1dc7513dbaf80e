package io.pincluster.observations;

import io.pincluster.core.api.TrackerStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The cluster's own metrics: their names (IPFS Cluster's {@code ipfscluster_*} names where it has
 * one, {@code pincluster_*} for the rest), their HELP texts, and one method per source that
 * registers them. The composition root hands each method the cheap accessor that feeds it; see
 * {@link MetricsRegistry} for what suppliers must honour. Values that are not known (no IPFS sync
 * yet, no snapshot yet) are left out of the scrape rather than reported as zero.
 *
 * <p>Not thread-safe (register from one thread, at start-up); what it registers is.
 */
public final class ClusterMetrics {
  public static final String PINS = "ipfscluster_pins";
  public static final String PINS_PIN_QUEUED = "ipfscluster_pins_pin_queued";
  public static final String PINS_PINNING = "ipfscluster_pins_pinning";
  public static final String PINS_PIN_ERROR = "ipfscluster_pins_pin_error";
  public static final String PINS_UNPIN_QUEUED = "pincluster_pins_unpin_queued";
  public static final String PINS_UNPINNING = "pincluster_pins_unpinning";
  public static final String PINS_UNPIN_ERROR = "pincluster_pins_unpin_error";
  public static final String PINS_UNEXPECTEDLY_UNPINNED = "pincluster_pins_unexpectedly_unpinned";
  public static final String PINS_IPFS_PINS = "ipfscluster_pins_ipfs_pins";
  public static final String STATE_SYNC_RUNNING = "pincluster_tracker_state_sync_running";
  public static final String PINS_PIN_ADD = "ipfscluster_pins_pin_add";
  public static final String PINS_PIN_ADD_ERRORS = "ipfscluster_pins_pin_add_errors";
  public static final String INFORMER_DISK = "ipfscluster_informer_disk";
  public static final String RAFT_LEADER = "pincluster_raft_leader";
  public static final String RAFT_TERM = "pincluster_raft_term";
  public static final String RAFT_COMMIT_INDEX = "pincluster_raft_commit_index";
  public static final String RAFT_APPLIED_INDEX = "pincluster_raft_applied_index";
  public static final String RAFT_APPLY_LAG = "pincluster_raft_apply_lag";
  public static final String RAFT_SNAPSHOT_AGE = "pincluster_raft_snapshot_age_seconds";
  public static final String PEERS = "pincluster_peers";
  public static final String ALERTS = "pincluster_alerts";

  /**
   * What the Raft metrics show, read at once from the consensus.
   *
   * @param leader this peer leads
   * @param term the current term (0 when not known)
   * @param commitIndex the highest index known committed here; -1 when not known (its sample and
   *     the apply lag are then left out)
   * @param appliedIndex the highest index applied here; -1 before any
   * @param latestSnapshot when the latest snapshot was written here; empty when there is none
   */
  public record RaftFigures(
      boolean leader,
      long term,
      long commitIndex,
      long appliedIndex,
      Optional<Instant> latestSnapshot) {
    public RaftFigures {
      latestSnapshot = latestSnapshot == null ? Optional.empty() : latestSnapshot;
    }
  }

  private final MetricsRegistry registry;
  private final InstantSource clock;

  /**
   * @param clock what the snapshot age counts to
   */
  public ClusterMetrics(MetricsRegistry registry, InstantSource clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@value #PINS}: pins in the pinset as applied here (must be O(1), e.g. a kept count). */
  public ClusterMetrics pinset(DoubleSupplier pins) {
    registry.gauge(PINS, "Number of pins in the cluster pinset", pins);
    return this;
  }

  /**
   * This peer's tracker, by status: {@value #PINS_PIN_QUEUED}, {@value #PINS_PINNING}, {@value
   * #PINS_PIN_ERROR}, and {@value #PINS_UNPIN_QUEUED}, {@value #PINS_UNPINNING}, {@value
   * #PINS_UNPIN_ERROR}, {@value #PINS_UNEXPECTEDLY_UNPINNED}.
   *
   * @param count O(1) count of one status, called with each of those seven
   */
  public ClusterMetrics trackerStatuses(ToLongFunction<TrackerStatus> count) {
    Objects.requireNonNull(count, "count");
    status(
        PINS_PIN_QUEUED,
        "Number of pins queued for pinning on this peer",
        count,
        TrackerStatus.PIN_QUEUED);
    status(PINS_PINNING, "Number of pins being pinned on this peer", count, TrackerStatus.PINNING);
    status(
        PINS_PIN_ERROR,
        "Number of pins whose last pin attempt on this peer failed, until resolved",
        count,
        TrackerStatus.PIN_ERROR);
    status(
        PINS_UNPIN_QUEUED,
        "Number of unpins queued on this peer",
        count,
        TrackerStatus.UNPIN_QUEUED);
    status(
        PINS_UNPINNING,
        "Number of pins being unpinned on this peer",
        count,
        TrackerStatus.UNPINNING);
    status(
        PINS_UNPIN_ERROR,
        "Number of pins whose last unpin attempt on this peer failed, until resolved",
        count,
        TrackerStatus.UNPIN_ERROR);
    status(
        PINS_UNEXPECTEDLY_UNPINNED,
        "Number of pins allocated to this peer that IPFS lost, until repinned",
        count,
        TrackerStatus.UNEXPECTEDLY_UNPINNED);
    return this;
  }

  private void status(
      String name, String help, ToLongFunction<TrackerStatus> count, TrackerStatus status) {
    registry.gauge(name, help, () -> count.applyAsLong(status));
  }

  /** {@value #PINS_IPFS_PINS}: pins IPFS listed at the last sync; empty (left out) before one. */
  public ClusterMetrics ipfsPins(Supplier<OptionalLong> lastListed) {
    Objects.requireNonNull(lastListed, "lastListed");
    registry.gauge(
        PINS_IPFS_PINS,
        "Number of pins the IPFS node holds, as of the tracker's last IPFS sync",
        () -> {
          OptionalLong n = lastListed.get();
          return n.isPresent() ? n.getAsLong() : Double.NaN;
        });
    return this;
  }

  /**
   * {@value #STATE_SYNC_RUNNING}: 1 while the tracker's state sync (its turns over the pinset and
   * the tracked pins) is pending or running, else 0. With millions of pins a turn lasts minutes.
   */
  public ClusterMetrics stateSyncRunning(BooleanSupplier running) {
    Objects.requireNonNull(running, "running");
    registry.gauge(
        STATE_SYNC_RUNNING,
        "1 while the tracker's state sync (pinset and tracked-pin passes) is pending or running",
        () -> running.getAsBoolean() ? 1 : 0);
    return this;
  }

  /** {@value #PINS_PIN_ADD} and {@value #PINS_PIN_ADD_ERRORS}: counters since start. */
  public ClusterMetrics pinAdds(DoubleSupplier calls, DoubleSupplier failures) {
    registry.counter(PINS_PIN_ADD, "Number of IPFS pin requests (pin/add, pin/update)", calls);
    registry.counter(PINS_PIN_ADD_ERRORS, "Number of failed IPFS pin requests", failures);
    return this;
  }

  /** {@value #INFORMER_DISK}: the last valid disk metric of this peer; empty (left out) if none. */
  public ClusterMetrics informerDisk(Supplier<OptionalDouble> lastValue) {
    Objects.requireNonNull(lastValue, "lastValue");
    registry.gauge(
        INFORMER_DISK,
        "The last value of this peer's disk metric (freespace or reposize, in bytes)",
        () -> lastValue.get().orElse(Double.NaN));
    return this;
  }

  /**
   * {@value #RAFT_LEADER}, {@value #RAFT_TERM}, {@value #RAFT_COMMIT_INDEX}, {@value
   * #RAFT_APPLIED_INDEX}, {@value #RAFT_APPLY_LAG} (commit − applied, never negative) and {@value
   * #RAFT_SNAPSHOT_AGE}.
   *
   * @param figures read once per metric per scrape; must not block
   */
  public ClusterMetrics raft(Supplier<RaftFigures> figures) {
    Objects.requireNonNull(figures, "figures");
    registry.gauge(
        RAFT_LEADER, "1 when this peer is the Raft leader, else 0", () -> leader(figures));
    registry.gauge(RAFT_TERM, "The current Raft term", () -> figures.get().term());
    registry.gauge(
        RAFT_COMMIT_INDEX,
        "The highest Raft log index this peer knows committed",
        () -> known(figures.get().commitIndex()));
    registry.gauge(
        RAFT_APPLIED_INDEX,
        "The highest Raft log index applied to this peer's state",
        () -> known(figures.get().appliedIndex()));
    registry.gauge(
        RAFT_APPLY_LAG,
        "Raft entries committed but not yet applied on this peer",
        () -> applyLag(figures.get()));
    registry.gauge(
        RAFT_SNAPSHOT_AGE,
        "Seconds since this peer's latest Raft snapshot was written",
        () -> figures.get().latestSnapshot().map(this::ageSeconds).orElse(Double.NaN));
    return this;
  }

  private static double leader(Supplier<RaftFigures> figures) {
    return figures.get().leader() ? 1 : 0;
  }

  private static double known(long index) {
    return index < 0 ? Double.NaN : index;
  }

  private static double applyLag(RaftFigures f) {
    return f.commitIndex() < 0 ? Double.NaN : Math.max(0, f.commitIndex() - f.appliedIndex());
  }

  private double ageSeconds(Instant written) {
    Duration age = Duration.between(written, clock.instant());
    return age.isNegative() ? 0 : age.toMillis() / 1000.0;
  }

  /** {@value #PEERS}: members of the cluster (the Raft configuration) as this peer knows it. */
  public ClusterMetrics peers(DoubleSupplier members) {
    registry.gauge(PEERS, "Number of cluster peers (Raft members) this peer knows", members);
    return this;
  }

  /** {@value #ALERTS}: alerts this peer's monitor holds. */
  public ClusterMetrics alerts(DoubleSupplier held) {
    registry.gauge(ALERTS, "Number of alerts this peer's monitor holds", held);
    return this;
  }
}

package io.pincluster.core.config;

import io.pincluster.core.peer.PeerId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code consensus.raft} section. Keys follow IPFS Cluster's Raft era; {@code
 * docs/configuration.md} gives each one's Ratis mapping.
 *
 * @param initPeerset voters (besides this peer) used only when no Raft state exists yet
 * @param dataFolder holds the Ratis storage and the RocksDB state; "" = {@code <config>/raft}
 */
public record RaftSection(
    List<PeerId> initPeerset,
    String dataFolder,
    Duration waitForLeaderTimeout,
    Duration networkTimeout,
    int commitRetries,
    Duration commitRetryDelay,
    int backupsRotate,
    Duration heartbeatTimeout,
    Duration electionTimeout,
    Duration commitTimeout,
    int maxAppendEntries,
    int trailingLogs,
    Duration snapshotInterval,
    int snapshotThreshold,
    Duration leaderLeaseTimeout) {

  public static final String SECTION = "consensus.raft";

  public RaftSection {
    initPeerset = List.copyOf(Check.notNull("init_peerset", initPeerset));
    Check.notNull("data_folder", dataFolder);
    Check.positive("wait_for_leader_timeout", waitForLeaderTimeout);
    Check.positive("network_timeout", networkTimeout);
    Check.atLeast("commit_retries", commitRetries, 0);
    Check.notNegative("commit_retry_delay", commitRetryDelay);
    Check.atLeast("backups_rotate", backupsRotate, 1);
    Check.positive("heartbeat_timeout", heartbeatTimeout);
    Check.positive("election_timeout", electionTimeout);
    Check.positive("commit_timeout", commitTimeout);
    Check.atLeast("max_append_entries", maxAppendEntries, 1);
    Check.atLeast("trailing_logs", trailingLogs, 0);
    Check.positive("snapshot_interval", snapshotInterval);
    Check.atLeast("snapshot_threshold", snapshotThreshold, 1);
    Check.positive("leader_lease_timeout", leaderLeaseTimeout);
    if (heartbeatTimeout.compareTo(electionTimeout) > 0) {
      throw new IllegalArgumentException(
          "heartbeat_timeout ("
              + GoDuration.format(heartbeatTimeout)
              + ") must be <= election_timeout ("
              + GoDuration.format(electionTimeout)
              + ")");
    }
    if (leaderLeaseTimeout.compareTo(electionTimeout) > 0) {
      throw new IllegalArgumentException(
          "leader_lease_timeout ("
              + GoDuration.format(leaderLeaseTimeout)
              + ") must be <= election_timeout ("
              + GoDuration.format(electionTimeout)
              + ")");
    }
  }

  public static RaftSection defaults() {
    return new RaftSection(
        List.of(),
        "",
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        1,
        Duration.ofMillis(200),
        6,
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Duration.ofMillis(50),
        64,
        10240,
        Duration.ofMinutes(2),
        8192,
        Duration.ofMillis(500));
  }

  /** The data folder, resolved against the config folder. */
  public Path dataFolder(Path configFolder) {
    return dataFolder.isEmpty() ? configFolder.resolve("raft") : configFolder.resolve(dataFolder);
  }
}

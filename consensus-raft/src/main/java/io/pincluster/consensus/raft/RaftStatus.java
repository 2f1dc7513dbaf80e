package io.pincluster.consensus.raft;

import java.time.Instant;
import java.util.Optional;

/**
 * Where this peer's Raft replica stands, read without blocking (for metrics and diagnostics). The
 * figures are read one after the other, not atomically: they may be a few entries apart.
 *
 * @param leader true when this peer is the Raft leader
 * @param term the current Raft term; 0 when not known (closed, not started)
 * @param commitIndex the highest log index this peer knows committed; -1 when not known
 * @param appliedIndex the highest log index applied to this peer's state; -1 before any
 * @param latestSnapshotIndex the log index of this peer's latest snapshot; -1 when none
 * @param latestSnapshotTime when the latest snapshot's files were written on this peer (taken here
 *     or installed from the leader); empty when there is none
 */
public record RaftStatus(
    boolean leader,
    long term,
    long commitIndex,
    long appliedIndex,
    long latestSnapshotIndex,
    Optional<Instant> latestSnapshotTime) {

  public RaftStatus {
    latestSnapshotTime = latestSnapshotTime == null ? Optional.empty() : latestSnapshotTime;
  }

  /**
   * Committed entries not yet applied here: {@code commitIndex - appliedIndex}, never negative (0
   * when the commit index is not known).
   */
  public long applyLag() {
    return commitIndex < 0 ? 0 : Math.max(0, commitIndex - appliedIndex);
  }
}

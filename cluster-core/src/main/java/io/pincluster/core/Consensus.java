package io.pincluster.core;

import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated log that holds the pinset and the peer table. Writes may be submitted on any peer;
 * they are committed through the leader. Thread-safe.
 *
 * <p>Every returned future completes only once the write is applied on <em>this</em> peer too, so a
 * read on this peer right after sees it. Failures: {@link NoLeaderException} (nothing written),
 * {@link IndeterminateCommitException} (may have been written), {@link PinNotFoundException}. Every
 * write is idempotent, so retrying is safe.
 */
public interface Consensus {
  /** Commits {@code pin} as given (allocations and timestamp already chosen by the caller). */
  CompletableFuture<Pin> commitPin(Pin pin);

  /**
   * Replaces {@code expected} with {@code pin} (same CID, new allocations) only if the pinset still
   * holds exactly {@code expected} when the write is applied: completes with false, changing
   * nothing, when the pin was removed or changed meanwhile.
   */
  CompletableFuture<Boolean> commitReallocation(Pin expected, Pin pin);

  /** Removes {@code cid}; completes with the removed pin or fails with PinNotFoundException. */
  CompletableFuture<Pin> commitUnpin(Cid cid);

  /** Stores a peer's announced addresses in the peer table. */
  CompletableFuture<Void> commitPeerRecord(PeerRecord record);

  /**
   * Adds a peer to the Raft group (as a voter while fewer than {@link #MAX_VOTERS} vote, else as a
   * non-voting listener) once it is running and reachable at {@code raftAddress}; also used to
   * change a member's address. Completes when the new configuration is committed. Idempotent.
   */
  CompletableFuture<Void> addPeer(PeerId peer, Multiaddr raftAddress);

  /**
   * Removes a peer (online or not, leader included) from the Raft group; a listener is promoted
   * when a voter leaves. Fails with {@link ClusterException} when it is the last member or not a
   * member. Completes when the new configuration is committed.
   */
  CompletableFuture<Void> removePeer(PeerId peer);

  /** The peers that vote, ordered by peer ID (a subset of {@link #members()}). */
  List<PeerId> voters();

  /** At most this many peers vote; further members replicate as listeners. */
  int MAX_VOTERS = 5;

  /** The leader this peer knows of, if any. Non-blocking. */
  Optional<PeerId> leader();

  /** The members (voters and listeners) of the current Raft configuration, ordered by peer ID. */
  List<PeerId> members();

  /** The pinset as applied on this peer. */
  PinStateView state();

  /** The peer table as applied on this peer. */
  PeerTableView peerTable();
}

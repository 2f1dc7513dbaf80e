package io.pincluster.core;

import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
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

  /** Removes {@code cid}; completes with the removed pin or fails with PinNotFoundException. */
  CompletableFuture<Pin> commitUnpin(Cid cid);

  /** Stores a peer's announced addresses in the peer table. */
  CompletableFuture<Void> commitPeerRecord(PeerRecord record);

  /** The leader this peer knows of, if any. Non-blocking. */
  Optional<PeerId> leader();

  /** The members of the current committed Raft configuration, ordered by peer ID. */
  List<PeerId> members();

  /** The pinset as applied on this peer. */
  PinStateView state();

  /** The peer table as applied on this peer. */
  PeerTableView peerTable();
}

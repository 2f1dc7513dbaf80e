package io.pincluster.core;

import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of the replicated peer table: what each peer announced about its addresses.
 * Thread-safe, non-blocking.
 */
public interface PeerTableView {
  Optional<PeerRecord> peer(PeerId id);

  /** Every record, ordered by peer ID. */
  List<PeerRecord> peers();
}

package io.pincluster.core;

import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import java.util.Optional;

/**
 * This peer's IPFS node, spoken to over its RPC API. Thread-safe; every method blocks for at most
 * its configured timeout and fails with {@link IpfsException} naming the node and the cause.
 * Pinning and unpinning are idempotent.
 */
public interface IpfsConnector extends AutoCloseable {
  /** The node's identity and swarm addresses. */
  IpfsId id();

  /** Pins {@code cid} (fetching it if needed); returns once IPFS reports it pinned. */
  void pin(Cid cid, PinMode mode);

  /** Unpins {@code cid}; a CID that is not pinned counts as success. */
  void unpin(Cid cid);

  /** How {@code cid} is pinned on the node, or empty when it is not pinned. */
  Optional<PinMode> pinStatus(Cid cid);

  /** The repository's size and limit. */
  RepoStat repoStat();

  /** Connects the node to another IPFS node ({@code …/p2p/<id>}). */
  void swarmConnect(Multiaddr address);

  @Override
  void close();
}

package io.pincluster.core;

import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;

/**
 * Calls another cluster peer over the authenticated peer RPC. Peers are found through the peer
 * table. Thread-safe; each call blocks for at most the network timeout and fails with {@link
 * PeerUnreachableException}.
 */
public interface PeerRpc extends AutoCloseable {
  PeerInfo id(PeerId peer);

  PinInfo status(PeerId peer, Cid cid);

  /**
   * The peer's local status of every pin, in CID order, streamed without the pins' summaries (the
   * caller has its own pinset). The caller closes it.
   */
  CloseableIterator<LocalPinStatus> statusAll(PeerId peer);

  RepoStat repoStat(PeerId peer);

  PinInfo recover(PeerId peer, Cid cid);

  CloseableIterator<PinInfo> recoverAll(PeerId peer);

  PinInfo sync(PeerId peer, Cid cid);

  CloseableIterator<PinInfo> syncAll(PeerId peer);

  RepoGc repoGc(PeerId peer);

  /** Hands metrics this peer produced to {@code peer}'s monitor (short timeout, no retries). */
  void sendMetrics(PeerId peer, java.util.List<io.pincluster.core.api.Metric> metrics);

  /** The peer's part of the connectivity graph. */
  io.pincluster.core.api.PeerLinks links(PeerId peer);

  @Override
  void close();
}

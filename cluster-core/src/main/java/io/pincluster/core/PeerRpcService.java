package io.pincluster.core;

import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;

/**
 * What this peer answers to the other peers over peer RPC: facts about itself only. Thread-safe;
 * methods may block on IPFS for at most its timeout.
 */
public interface PeerRpcService {
  PeerInfo localId();

  PinInfo localStatus(Cid cid);

  /** Local status of every pin in the pinset, in CID order; the caller closes it. */
  CloseableIterator<PinInfo> localStatusAll();

  RepoStat localRepoStat();

  /** See {@link PinTracker#recover}. */
  PinInfo localRecover(Cid cid);

  /** See {@link PinTracker#recoverAll}; the caller closes it. */
  CloseableIterator<PinInfo> localRecoverAll();

  /** See {@link PinTracker#sync}. */
  PinInfo localSync(Cid cid);

  /** See {@link PinTracker#syncAll}; the caller closes it. */
  CloseableIterator<PinInfo> localSyncAll();

  /** Runs this peer's IPFS garbage collection (keys collected in memory: bounded by the repo). */
  RepoGc localRepoGc();

  /** Metrics another peer produced, for this peer's monitor (those of non-members are dropped). */
  void acceptMetrics(java.util.List<io.pincluster.core.api.Metric> metrics);

  /** This peer's IPFS node and the cluster peers it hears from. */
  io.pincluster.core.api.PeerLinks localLinks();
}

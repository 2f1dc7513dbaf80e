package io.pincluster.core;

import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's operations as the REST API (and the IPFS proxy) offer them. Thread-safe. Blocking
 * methods are bounded by the network and IPFS timeouts; failures are {@link ClusterException}s.
 */
public interface ClusterApi {
  /** This peer. */
  PeerInfo id();

  /** The daemon version, e.g. {@code 0.1.0}. */
  String version();

  /** Every member, asked over peer RPC; an unreachable one appears with its error. */
  CloseableIterator<PeerInfo> peers();

  /**
   * Allocates and commits a pin. Completes once committed and applied on this peer (IPFS pinning
   * happens afterwards). Fails with NotEnoughPeersException, NoLeaderException, ….
   */
  CompletableFuture<Pin> pin(Cid cid, PinOptions options);

  /** Removes a pin; fails with PinNotFoundException when it is not in the pinset. */
  CompletableFuture<Pin> unpin(Cid cid);

  /** The status of {@code cid} on every member (or on this peer only when {@code local}). */
  GlobalPinInfo status(Cid cid, boolean local);

  /**
   * The status of every pin, in CID order, streamed; peer entries are restricted to {@code filter},
   * and pins with no matching peer are skipped. The caller closes it.
   */
  CloseableIterator<GlobalPinInfo> statusAll(Set<TrackerStatus> filter, boolean local);

  /** Every pin of the pinset, in CID order, streamed. The caller closes it. */
  CloseableIterator<Pin> allocations();

  Optional<Pin> allocation(Cid cid);
}

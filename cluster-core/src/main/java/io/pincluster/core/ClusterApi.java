package io.pincluster.core;

import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.api.RepoStat;
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

  /**
   * Resolves an IPFS path ({@code /ipfs/…}, {@code /ipns/…}, {@code /ipld/…}) through this peer's
   * IPFS node, then pins the CID it names as {@link #pin} does.
   */
  CompletableFuture<Pin> pinPath(String path, PinOptions options);

  /** Resolves an IPFS path, then unpins the CID it names as {@link #unpin} does. */
  CompletableFuture<Pin> unpinPath(String path);

  /**
   * Adds content to this peer's IPFS node (the multipart body as IPFS {@code add} takes it, or a
   * CAR), then pins the root in the cluster unless {@code noPin}. Streams the IPFS output (added
   * objects, progress) as it comes; the last item is the root, with its allocations when pinned.
   * The body is read as the iterator is consumed; the caller closes the iterator.
   */
  CloseableIterator<AddedOutput> add(
      java.io.InputStream body, String contentType, AddOptions options);

  /** The IPFS repository size and limit, summed over every peer (or this peer's when local). */
  RepoStat repoStat(boolean local);

  /** Removes a pin; fails with PinNotFoundException when it is not in the pinset. */
  CompletableFuture<Pin> unpin(Cid cid);

  /** The status of {@code cid} on every member (or on this peer only when {@code local}). */
  GlobalPinInfo status(Cid cid, boolean local);

  /**
   * The status of every pin, in CID order, streamed; peer entries are restricted to {@code filter},
   * and pins with no matching peer are skipped. The caller closes it.
   */
  CloseableIterator<GlobalPinInfo> statusAll(Set<TrackerStatus> filter, boolean local);

  /**
   * Pins many CIDs at once (the bulk ingest endpoint). Items are committed in large batches with
   * many in flight; one result per item comes back in the order of the input, as soon as that item
   * is decided. Reading from {@code items} is paced by the commits (bounded memory). An item that
   * failed to parse arrives as a {@link PinRequest} with an error and is answered with it. The
   * caller closes the returned iterator, which stops reading {@code items}.
   */
  CloseableIterator<PinResult> pinAll(java.util.Iterator<PinRequest> items);

  /**
   * Adds a peer that is running and reachable at {@code address} ({@code
   * /ip4/H/tcp/RAFTPORT/p2p/ID}) to the cluster; completes with its ID object once it is a member.
   */
  CompletableFuture<PeerInfo> peerAdd(io.pincluster.core.peer.Multiaddr address);

  /** Removes a peer from the cluster (see {@link Consensus#removePeer}). */
  CompletableFuture<Void> peerRemove(io.pincluster.core.peer.PeerId peer);

  /**
   * Re-queues {@code cid} where it is in error (on every peer, or this one when {@code local}) and
   * returns the resulting status; waits for the operations, bounded by the pin timeout.
   */
  GlobalPinInfo recover(Cid cid, boolean local);

  /** Re-queues every error; streams the status of each CID re-queued. The caller closes it. */
  CloseableIterator<GlobalPinInfo> recoverAll(boolean local);

  /** The Raft-era sync of one CID against IPFS (see {@link PinTracker#sync}). */
  GlobalPinInfo sync(Cid cid, boolean local);

  /** The Raft-era sync of every pin; streams the statuses that changed or are in error. */
  CloseableIterator<GlobalPinInfo> syncAll(boolean local);

  /** Runs IPFS garbage collection on every peer (or this one). */
  GlobalRepoGc ipfsGc(boolean local);

  /** Every pin of the pinset, in CID order, streamed. The caller closes it. */
  CloseableIterator<Pin> allocations();

  Optional<Pin> allocation(Cid cid);

  /** The names of the metrics this peer holds (from any peer), sorted. */
  java.util.List<String> metricNames();

  /**
   * The latest valid, unexpired metric of this name from each member, as this peer last received
   * them, in peer order.
   */
  java.util.List<io.pincluster.core.api.Metric> latestMetrics(String name);

  /** The alerts this peer raised (at most 1000), newest first. */
  java.util.List<io.pincluster.core.api.Alert> alerts();

  /** Who reaches whom: every member is asked over peer RPC; unreachable ones have no links. */
  io.pincluster.core.api.ConnectGraph connectGraph();
}

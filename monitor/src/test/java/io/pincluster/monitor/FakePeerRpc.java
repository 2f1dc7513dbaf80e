package io.pincluster.monitor;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PeerRpc;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.PeerLinks;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Peer RPC for the publisher: records the metrics each peer was sent; peers marked down fail at
 * once, peers marked hanging block until {@link #release()}. Only {@link #sendMetrics} is used.
 */
final class FakePeerRpc implements PeerRpc {
  final Map<PeerId, List<List<Metric>>> sent = new ConcurrentHashMap<>();
  final Set<PeerId> down = ConcurrentHashMap.newKeySet();
  final Set<PeerId> hanging = ConcurrentHashMap.newKeySet();
  final List<String> threads = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);

  void release() {
    released.countDown();
  }

  List<List<Metric>> sentTo(PeerId peer) {
    return sent.getOrDefault(peer, List.of());
  }

  @Override
  public void sendMetrics(PeerId peer, List<Metric> metrics) {
    threads.add(Thread.currentThread().getName());
    if (down.contains(peer)) {
      throw new PeerUnreachableException("peer " + peer + " is unreachable: connection refused");
    }
    if (hanging.contains(peer)) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PeerUnreachableException("peer " + peer + " interrupted");
      }
    }
    sent.computeIfAbsent(peer, p -> new CopyOnWriteArrayList<>()).add(List.copyOf(metrics));
  }

  private static UnsupportedOperationException unused() {
    return new UnsupportedOperationException("the publisher only sends metrics");
  }

  @Override
  public PeerInfo id(PeerId peer) {
    throw unused();
  }

  @Override
  public PinInfo status(PeerId peer, Cid cid) {
    throw unused();
  }

  @Override
  public CloseableIterator<LocalPinStatus> statusAll(PeerId peer) {
    throw unused();
  }

  @Override
  public RepoStat repoStat(PeerId peer) {
    throw unused();
  }

  @Override
  public PinInfo recover(PeerId peer, Cid cid) {
    throw unused();
  }

  @Override
  public CloseableIterator<PinInfo> recoverAll(PeerId peer) {
    throw unused();
  }

  @Override
  public PinInfo sync(PeerId peer, Cid cid) {
    throw unused();
  }

  @Override
  public CloseableIterator<PinInfo> syncAll(PeerId peer) {
    throw unused();
  }

  @Override
  public RepoGc repoGc(PeerId peer) {
    throw unused();
  }

  @Override
  public PeerLinks links(PeerId peer) {
    throw unused();
  }

  @Override
  public void close() {
    release();
  }
}

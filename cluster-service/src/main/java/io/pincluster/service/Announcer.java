package io.pincluster.service;

import io.pincluster.core.ClusterException;
import io.pincluster.core.Consensus;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.service.cluster.SelfAddresses;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this peer's record in the replicated peer table current (its Raft, RPC and REST addresses
 * and its IPFS node), and connects the local IPFS node to the other peers' IPFS nodes once {@code
 * connect_swarms_delay} has passed since start, and to every peer that appears later. Called
 * periodically from one thread ({@link #tick()}); not thread-safe otherwise.
 */
final class Announcer {
  private static final Logger log = LoggerFactory.getLogger(Announcer.class);

  private final PeerId self;
  private final String peername;
  private final SelfAddresses addresses;
  private final Consensus consensus;
  private final IpfsConnector ipfs;
  private final Instant connectAfter;
  private final InstantSource clock;
  private final AtomicBoolean committing = new AtomicBoolean();
  private final Set<String> connectedIpfsPeers = new HashSet<>();

  Announcer(
      PeerId self,
      String peername,
      SelfAddresses addresses,
      Consensus consensus,
      IpfsConnector ipfs,
      Duration connectSwarmsDelay,
      InstantSource clock) {
    this.self = self;
    this.peername = peername;
    this.addresses = addresses;
    this.consensus = consensus;
    this.ipfs = ipfs;
    this.clock = clock;
    this.connectAfter = clock.instant().plus(connectSwarmsDelay);
  }

  void tick() {
    try {
      announce();
      if (!clock.instant().isBefore(connectAfter)) {
        connectSwarms();
      }
    } catch (RuntimeException e) {
      log.warn("peer announcement failed: {}", e.getMessage());
    }
  }

  private void announce() {
    IpfsId node;
    try {
      node = ipfs.id();
    } catch (ClusterException e) {
      node = IpfsId.unreachable(e.getMessage());
    }
    PeerRecord desired =
        new PeerRecord(
            self,
            peername,
            addresses.raft(),
            addresses.rpc(),
            addresses.rest(),
            node.id(),
            parseAll(node.addresses()));
    PeerRecord current = consensus.peerTable().peer(self).orElse(null);
    boolean ipfsUnknownNow = node.id().isEmpty() && current != null && !current.ipfsId().isEmpty();
    if (desired.equals(current) || ipfsUnknownNow || !committing.compareAndSet(false, true)) {
      return;
    }
    consensus
        .commitPeerRecord(desired)
        .whenComplete(
            (ok, e) -> {
              committing.set(false);
              if (e != null) {
                log.info("could not announce this peer yet (will retry): {}", e.getMessage());
              } else {
                log.info(
                    "announced {} raft={} rpc={} ipfs={}",
                    self,
                    addresses.raft(),
                    addresses.rpc(),
                    desired.ipfsId());
              }
            });
  }

  private void connectSwarms() {
    for (PeerRecord peer : consensus.peerTable().peers()) {
      if (peer.id().equals(self)
          || peer.ipfsId().isEmpty()
          || connectedIpfsPeers.contains(peer.ipfsId())) {
        continue;
      }
      for (Multiaddr address : peer.ipfsAddresses()) {
        try {
          ipfs.swarmConnect(address);
          connectedIpfsPeers.add(peer.ipfsId());
          log.info("connected IPFS to {} (peer {}) at {}", peer.ipfsId(), peer.id(), address);
          break;
        } catch (ClusterException e) {
          log.debug("swarm connect to {} failed: {}", address, e.getMessage());
        }
      }
    }
  }

  private static List<Multiaddr> parseAll(List<String> texts) {
    List<Multiaddr> out = new ArrayList<>();
    for (String t : texts) {
      try {
        out.add(Multiaddr.parse(t));
      } catch (IllegalArgumentException e) {
        // an address kind pincluster does not model (quic, webtransport…): not announced
      }
    }
    return out;
  }
}

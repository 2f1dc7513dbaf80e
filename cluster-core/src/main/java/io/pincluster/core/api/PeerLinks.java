package io.pincluster.core.api;

import io.pincluster.core.peer.PeerId;
import java.util.List;

/**
 * One peer's part of the {@link ConnectGraph}, answered over peer RPC.
 *
 * @param peer the peer
 * @param peername its configured name
 * @param ipfsId its IPFS node's peer ID ("" when IPFS cannot be reached)
 * @param ipfsSwarmPeers the IPFS peer IDs its node is connected to
 * @param clusterPeers the cluster peers it hears from (a fresh ping metric)
 */
public record PeerLinks(
    PeerId peer,
    String peername,
    String ipfsId,
    List<String> ipfsSwarmPeers,
    List<PeerId> clusterPeers) {

  public PeerLinks {
    ipfsSwarmPeers = List.copyOf(ipfsSwarmPeers);
    clusterPeers = List.copyOf(clusterPeers);
  }
}

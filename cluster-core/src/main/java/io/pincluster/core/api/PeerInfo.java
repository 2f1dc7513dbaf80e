package io.pincluster.core.api;

import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.util.List;

/**
 * A cluster peer as {@code GET /id} and {@code GET /peers} show it (IPFS Cluster's {@code ID}
 * object). An unreachable peer has only {@code id} and {@code error} filled.
 */
public record PeerInfo(
    PeerId id,
    List<Multiaddr> addresses,
    List<PeerId> clusterPeers,
    List<Multiaddr> clusterPeersAddresses,
    String version,
    String commit,
    String rpcProtocolVersion,
    String error,
    IpfsId ipfs,
    String peername) {

  public PeerInfo {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    clusterPeers = clusterPeers == null ? List.of() : List.copyOf(clusterPeers);
    clusterPeersAddresses =
        clusterPeersAddresses == null ? List.of() : List.copyOf(clusterPeersAddresses);
    version = version == null ? "" : version;
    commit = commit == null ? "" : commit;
    rpcProtocolVersion = rpcProtocolVersion == null ? "" : rpcProtocolVersion;
    error = error == null ? "" : error;
    ipfs = ipfs == null ? new IpfsId("", List.of(), "") : ipfs;
    peername = peername == null ? "" : peername;
  }

  /** The entry {@code peers ls} shows for a peer that did not answer. */
  public static PeerInfo unreachable(PeerId id, String peername, String error) {
    return new PeerInfo(id, null, null, null, null, null, null, error, null, peername);
  }
}

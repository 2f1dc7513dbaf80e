package io.pincluster.core.api;

import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.util.List;

/**
 * What a peer announces about itself in the replicated peer table: how the others reach its Raft
 * port, its peer RPC and REST endpoints, and its IPFS node. Each peer commits its own record on
 * start; peers find each other's RPC endpoint here.
 *
 * @param raftAddress the Ratis gRPC address ({@code /ip4/H/tcp/P})
 * @param rpcAddress the peer RPC address
 * @param restAddress the REST API address
 * @param ipfsId the IPFS node's peer ID text, empty when unknown
 * @param ipfsAddresses the IPFS node's swarm addresses (with {@code /p2p/})
 */
public record PeerRecord(
    PeerId id,
    String peername,
    Multiaddr raftAddress,
    Multiaddr rpcAddress,
    Multiaddr restAddress,
    String ipfsId,
    List<Multiaddr> ipfsAddresses) {

  public PeerRecord {
    peername = peername == null ? "" : peername;
    ipfsId = ipfsId == null ? "" : ipfsId;
    ipfsAddresses = ipfsAddresses == null ? List.of() : List.copyOf(ipfsAddresses);
  }
}

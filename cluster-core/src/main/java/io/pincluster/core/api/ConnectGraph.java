package io.pincluster.core.api;

import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health/graph}: who can reach whom, as IPFS Cluster's {@code ConnectGraph}.
 *
 * @param clusterId the peer that built the graph
 * @param idToPeername every member's peer name, by peer ID
 * @param ipfsLinks IPFS peer ID → the IPFS peers its node is connected to (swarm peers that belong
 *     to the cluster's nodes)
 * @param clusterLinks cluster peer → the cluster peers it hears from (fresh ping metric)
 * @param clusterTrustLinks cluster peer → trusted (always true: every Raft member is trusted)
 * @param clusterToIpfs cluster peer → its IPFS node's peer ID
 */
public record ConnectGraph(
    PeerId clusterId,
    Map<String, String> idToPeername,
    Map<String, List<String>> ipfsLinks,
    Map<String, List<String>> clusterLinks,
    Map<String, Boolean> clusterTrustLinks,
    Map<String, String> clusterToIpfs) {

  public ConnectGraph {
    idToPeername = Map.copyOf(idToPeername);
    ipfsLinks = Map.copyOf(ipfsLinks);
    clusterLinks = Map.copyOf(clusterLinks);
    clusterTrustLinks = Map.copyOf(clusterTrustLinks);
    clusterToIpfs = Map.copyOf(clusterToIpfs);
  }
}

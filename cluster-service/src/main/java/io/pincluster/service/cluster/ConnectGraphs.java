package io.pincluster.service.cluster;

import io.pincluster.core.api.ConnectGraph;
import io.pincluster.core.api.PeerLinks;
import io.pincluster.core.peer.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Builds {@code GET /health/graph} from the members' answers. */
final class ConnectGraphs {
  private ConnectGraphs() {}

  /**
   * IPFS links keep only the cluster's own IPFS nodes (a node's other swarm peers are not part of
   * the graph), as IPFS Cluster draws it.
   */
  static ConnectGraph of(PeerId self, List<PeerLinks> peers) {
    Set<String> clusterIpfs =
        peers.stream()
            .map(PeerLinks::ipfsId)
            .filter(id -> !id.isEmpty())
            .collect(Collectors.toSet());
    Map<String, String> names = new TreeMap<>();
    Map<String, List<String>> ipfsLinks = new TreeMap<>();
    Map<String, List<String>> clusterLinks = new TreeMap<>();
    Map<String, Boolean> trust = new TreeMap<>();
    Map<String, String> toIpfs = new TreeMap<>();
    for (PeerLinks p : peers) {
      String id = p.peer().toString();
      names.put(id, p.peername());
      trust.put(id, true);
      List<String> hears = new ArrayList<>();
      p.clusterPeers().stream()
          .filter(other -> !other.equals(p.peer()))
          .forEach(other -> hears.add(other.toString()));
      clusterLinks.put(id, hears);
      if (!p.ipfsId().isEmpty()) {
        toIpfs.put(id, p.ipfsId());
        ipfsLinks.put(
            p.ipfsId(), p.ipfsSwarmPeers().stream().filter(clusterIpfs::contains).toList());
      }
    }
    return new ConnectGraph(self, names, ipfsLinks, clusterLinks, trust, toIpfs);
  }
}

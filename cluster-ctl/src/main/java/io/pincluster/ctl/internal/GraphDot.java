package io.pincluster.ctl.internal;

import io.pincluster.core.api.ConnectGraph;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a {@link ConnectGraph} as a Graphviz {@code dot} digraph, drawn as ipfs-cluster-ctl's
 * {@code health graph} draws it.
 *
 * <p>Nodes: every cluster peer the graph mentions ({@code C0, C1, …}, sorted by peer ID; labelled
 * with the peer name and the shortened ID {@code 12*abcdef}; the peer that built the graph has a
 * double border, untrusted peers a darker colour) and every IPFS daemon ({@code I0, I1, …}, sorted
 * by peer ID, labelled {@code IPFS} and its shortened ID). A cluster peer with no IPFS daemon in
 * {@code cluster_to_ipfs} gets its own red {@code IPFS / Errored} node, linked with a dotted edge.
 *
 * <p>Edges: {@code cluster_links} (a peer → the peers it hears from), {@code cluster_to_ipfs} (a
 * peer → its daemon) and {@code ipfs_links} (a daemon → its swarm peers). A swarm peer that is not
 * one of the cluster's daemons is left out unless {@code allIpfsPeers}, which adds it as a node.
 *
 * <p>Labels are dot strings: quotes and backslashes in peer names are escaped, line breaks become
 * spaces. The output is deterministic for a given graph.
 */
public final class GraphDot {
  private final ConnectGraph graph;
  private final boolean allIpfsPeers;
  private final Map<String, String> clusterNodes = new TreeMap<>();
  private final Map<String, String> ipfsNodes = new TreeMap<>();
  private final Map<String, String> erroredIpfs = new TreeMap<>();
  private final StringBuilder out = new StringBuilder();

  private GraphDot(ConnectGraph graph, boolean allIpfsPeers) {
    this.graph = graph;
    this.allIpfsPeers = allIpfsPeers;
  }

  /** The dot text of {@code graph}, ending in a newline. */
  public static String of(ConnectGraph graph, boolean allIpfsPeers) {
    return new GraphDot(graph, allIpfsPeers).write();
  }

  private String write() {
    nameNodes();
    out.append("digraph cluster {\n");
    out.append("  /* The cluster peers */\n");
    out.append("  subgraph {\n    rank=\"min\"\n");
    clusterNodes.forEach((id, node) -> clusterNode(node, id));
    out.append("  }\n\n");
    out.append("  /* The IPFS daemons */\n");
    out.append("  subgraph {\n    rank=\"max\"\n");
    ipfsNodes.forEach(
        (id, node) -> node(node, "IPFS", shorten(id), "cylinder", "turquoise3", false));
    erroredIpfs.forEach(
        (peer, node) -> node(node, "IPFS", "Errored", "cylinder", "firebrick1", false));
    out.append("  }\n\n");
    clusterEdges();
    clusterToIpfsEdges();
    ipfsEdges();
    return out.append("}\n").toString();
  }

  /** Numbers the nodes in peer ID order, so labels are stable from one run to the next. */
  private void nameNodes() {
    Set<String> peers = new TreeSet<>();
    if (graph.clusterId() != null) {
      peers.add(graph.clusterId().toString());
    }
    peers.addAll(graph.idToPeername().keySet());
    graph.clusterLinks().forEach((from, to) -> addAll(peers, from, to));
    peers.addAll(graph.clusterTrustLinks().keySet());
    peers.addAll(graph.clusterToIpfs().keySet());
    for (String peer : peers) {
      clusterNodes.put(peer, "C" + clusterNodes.size());
    }

    Set<String> daemons = new TreeSet<>(graph.ipfsLinks().keySet());
    graph.clusterToIpfs().values().stream().filter(id -> !id.isEmpty()).forEach(daemons::add);
    if (allIpfsPeers) {
      graph.ipfsLinks().values().forEach(daemons::addAll);
    }
    for (String daemon : daemons) {
      ipfsNodes.put(daemon, "I" + ipfsNodes.size());
    }
    for (String peer : peers) {
      if (graph.clusterToIpfs().getOrDefault(peer, "").isEmpty()) {
        erroredIpfs.put(peer, "I" + (ipfsNodes.size() + erroredIpfs.size()));
      }
    }
  }

  private static void addAll(Set<String> into, String from, List<String> to) {
    into.add(from);
    into.addAll(to);
  }

  private void clusterNode(String node, String id) {
    boolean self = graph.clusterId() != null && id.equals(graph.clusterId().toString());
    boolean trusted = graph.clusterTrustLinks().getOrDefault(id, false);
    String name = graph.idToPeername().getOrDefault(id, "");
    String color = self || trusted ? "orange" : "darkorange3";
    node(node, name, shorten(id), "box3d", color, self);
  }

  private void node(
      String node, String line1, String line2, String shape, String color, boolean self) {
    String label = line1.isEmpty() ? escape(line2) : escape(line1) + "\\n" + escape(line2);
    out.append("    ")
        .append(node)
        .append(" [label=\"")
        .append(label)
        .append("\" shape=\"")
        .append(shape)
        .append("\" style=\"filled\" color=\"")
        .append(color)
        .append("\" fontname=\"Arial\"");
    if (self) {
      out.append(" peripheries=\"2\"");
    }
    out.append("]\n");
  }

  private void clusterEdges() {
    out.append("  /* The connections among cluster peers (a peer -> the peers it hears from) */\n");
    for (Map.Entry<String, List<String>> e : new TreeMap<>(graph.clusterLinks()).entrySet()) {
      for (String to : sortedCopy(e.getValue())) {
        edge(clusterNodes.get(e.getKey()), clusterNodes.get(to), false);
      }
    }
    out.append('\n');
  }

  private void clusterToIpfsEdges() {
    out.append("  /* The connections between cluster peers and their IPFS daemons */\n");
    for (Map.Entry<String, String> e : clusterNodes.entrySet()) {
      String daemon = graph.clusterToIpfs().getOrDefault(e.getKey(), "");
      if (daemon.isEmpty()) {
        edge(e.getValue(), erroredIpfs.get(e.getKey()), true);
      } else {
        edge(e.getValue(), ipfsNodes.get(daemon), false);
      }
    }
    out.append('\n');
  }

  private void ipfsEdges() {
    out.append("  /* The swarm connections among IPFS daemons */\n");
    for (Map.Entry<String, List<String>> e : new TreeMap<>(graph.ipfsLinks()).entrySet()) {
      for (String to : sortedCopy(e.getValue())) {
        String target = ipfsNodes.get(to);
        if (target != null) { // null: not a cluster daemon, and not --all-ipfs-peers
          edge(ipfsNodes.get(e.getKey()), target, false);
        }
      }
    }
  }

  private void edge(String from, String to, boolean dotted) {
    out.append("  ").append(from).append(" -> ").append(to);
    if (dotted) {
      out.append(" [style=\"dotted\"]");
    }
    out.append('\n');
  }

  private static List<String> sortedCopy(List<String> items) {
    return List.copyOf(new TreeSet<>(items));
  }

  /** The first 2 and last 6 characters of a peer ID ({@code 12*HyQ6X}), as ipfs-cluster-ctl. */
  static String shorten(String id) {
    return id.length() <= 9 ? id : id.substring(0, 2) + "*" + id.substring(id.length() - 6);
  }

  /** {@code s} as the inside of a dot string: {@code \} and {@code "} escaped, no line breaks. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n', '\r' -> sb.append(' ');
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}

package io.pincluster.service.cluster;

import io.pincluster.core.PinAllocator;
import io.pincluster.core.api.Metric;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * IPFS Cluster's balanced allocator ({@code allocator.balanced}, reference §5): peers are
 * partitioned by each metric of {@code allocate_by} in order. A partitionable metric ({@code
 * tag:*}) groups peers by value; groups are ordered by their best peer's ordering weight and then
 * taken round-robin, so consecutive picks land in different groups. Any other metric orders peers
 * by weight, largest first ({@code freespace}: most free space first). Ties go to the lower peer
 * ID, so every peer computes the same order. Pure and thread-safe.
 */
public final class BalancedAllocator implements PinAllocator {
  private final List<String> allocateBy;

  /**
   * @param allocateBy metric names, outermost partition first; every candidate has all of them
   */
  public BalancedAllocator(List<String> allocateBy) {
    if (allocateBy.isEmpty()) {
      throw new IllegalArgumentException("allocate_by must name at least one metric");
    }
    this.allocateBy = List.copyOf(allocateBy);
  }

  /** The metric names a peer needs to be a candidate. */
  public List<String> allocateBy() {
    return allocateBy;
  }

  @Override
  public List<PeerId> allocate(
      Cid cid, Map<PeerId, Map<String, Metric>> candidates, List<PeerId> priority) {
    Set<PeerId> out = new LinkedHashSet<>();
    priority.stream().filter(candidates::containsKey).forEach(out::add);
    List<PeerId> rest =
        candidates.keySet().stream().filter(p -> !out.contains(p)).sorted().toList();
    out.addAll(order(rest, candidates, 0));
    return List.copyOf(out);
  }

  private List<PeerId> order(
      List<PeerId> peers, Map<PeerId, Map<String, Metric>> metrics, int level) {
    if (level == allocateBy.size() || peers.size() <= 1) {
      return peers;
    }
    String name = allocateBy.get(level);
    if (!isPartitionable(name, peers, metrics)) {
      List<PeerId> sorted = new ArrayList<>(peers);
      sorted.sort(
          Comparator.comparingLong((PeerId p) -> weight(metrics, p, name))
              .reversed()
              .thenComparing(Comparator.naturalOrder()));
      return sorted;
    }
    Map<String, List<PeerId>> groups = new TreeMap<>();
    for (PeerId p : peers) {
      groups.computeIfAbsent(metrics.get(p).get(name).value(), v -> new ArrayList<>()).add(p);
    }
    List<List<PeerId>> ordered = new ArrayList<>();
    for (List<PeerId> group : groups.values()) {
      ordered.add(order(group, metrics, level + 1));
    }
    // groups whose best peer is best come first (stable: TreeMap gave value order for ties)
    ordered.sort(
        Comparator.comparingLong((List<PeerId> g) -> bestWeight(g.get(0), metrics, level + 1))
            .reversed());
    List<PeerId> out = new ArrayList<>(peers.size());
    for (int i = 0; out.size() < peers.size(); i++) {
      for (List<PeerId> g : ordered) {
        if (i < g.size()) {
          out.add(g.get(i));
        }
      }
    }
    return out;
  }

  /** The weight of the first non-partitionable metric at or below {@code level}, or 0. */
  private long bestWeight(PeerId p, Map<PeerId, Map<String, Metric>> metrics, int level) {
    for (int i = level; i < allocateBy.size(); i++) {
      Metric m = metrics.get(p).get(allocateBy.get(i));
      if (!m.partitionable()) {
        return m.weight();
      }
    }
    return 0;
  }

  private static boolean isPartitionable(
      String name, List<PeerId> peers, Map<PeerId, Map<String, Metric>> metrics) {
    return peers.stream().anyMatch(p -> metrics.get(p).get(name).partitionable());
  }

  private static long weight(Map<PeerId, Map<String, Metric>> metrics, PeerId p, String name) {
    return metrics.get(p).get(name).weight();
  }
}

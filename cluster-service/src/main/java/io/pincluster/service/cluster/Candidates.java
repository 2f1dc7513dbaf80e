package io.pincluster.service.cluster;

import io.pincluster.core.PeerMonitor;
import io.pincluster.core.api.Metric;
import io.pincluster.core.peer.PeerId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The peers an allocation may use: healthy members (fresh {@code ping}) that have a valid,
 * unexpired metric of every name the allocator sorts by, with those metrics; and why the others
 * were left out. Immutable.
 *
 * @param metrics candidate → metric name → its latest metric
 * @param leftOut why members were not candidates ("" when none were left out)
 */
public record Candidates(Map<PeerId, Map<String, Metric>> metrics, String leftOut) {
  public Candidates {
    metrics = Map.copyOf(metrics);
  }

  /**
   * @param members the current members
   * @param excluded peers never to use (a failed or departing peer)
   */
  public static Candidates of(
      Collection<PeerId> members,
      PeerMonitor monitor,
      List<String> allocateBy,
      Set<PeerId> excluded) {
    Map<String, Map<PeerId, Metric>> byName = new HashMap<>();
    for (String name : allocateBy) {
      Map<PeerId, Metric> latest = new HashMap<>();
      monitor.latestMetrics(name).forEach(m -> latest.put(m.peer(), m));
      byName.put(name, latest);
    }
    Map<PeerId, Map<String, Metric>> out = new LinkedHashMap<>();
    List<String> reasons = new ArrayList<>();
    for (PeerId p : members) {
      if (excluded.contains(p)) {
        continue;
      }
      if (!monitor.isHealthy(p)) {
        reasons.add("peer " + p + " is down (no fresh ping metric)");
        continue;
      }
      Map<String, Metric> mine = new HashMap<>();
      for (String name : allocateBy) {
        Metric m = byName.get(name).get(p);
        if (m == null) {
          reasons.add("peer " + p + " has no valid " + name + " metric");
          break;
        }
        mine.put(name, m);
      }
      if (mine.size() == allocateBy.size()) {
        out.put(p, mine);
      }
    }
    return new Candidates(out, String.join("; ", reasons));
  }

  /** These candidates but {@code peers}. */
  public Candidates without(Set<PeerId> peers) {
    Map<PeerId, Map<String, Metric>> rest = new LinkedHashMap<>(metrics);
    rest.keySet().removeAll(peers);
    return new Candidates(rest, leftOut);
  }
}

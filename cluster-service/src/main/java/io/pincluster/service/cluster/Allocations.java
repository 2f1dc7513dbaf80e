package io.pincluster.service.cluster;

import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.peer.PeerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IPFS Cluster's replication rules (reference §5), as a pure function: which peers a pin goes to,
 * given its current allocations, the healthy candidates with their free space, and user-requested
 * peers.
 */
public final class Allocations {
  private Allocations() {}

  /**
   * @param min replication_factor_min after defaults (positive)
   * @param max replication_factor_max after defaults (≥ min)
   * @param current the pin's current allocations (empty for a new pin)
   * @param freeSpace healthy peers and their free space in bytes
   * @param priority user allocations, tried before the others
   * @return the new allocation list
   * @throws NotEnoughPeersException when fewer than {@code min} peers can hold it
   */
  public static List<PeerId> allocate(
      int min, int max, List<PeerId> current, Map<PeerId, Long> freeSpace, List<PeerId> priority) {
    List<PeerId> validCurrent = current.stream().filter(freeSpace::containsKey).toList();
    int needed = min - validCurrent.size();
    int wanted = max - validCurrent.size();
    if (wanted < 0) {
      return List.copyOf(validCurrent.subList(0, validCurrent.size() + wanted));
    }
    if (needed <= 0) {
      return List.copyOf(current);
    }
    Set<PeerId> taken = Set.copyOf(validCurrent);
    Set<PeerId> ordered = new LinkedHashSet<>();
    priority.stream()
        .filter(p -> freeSpace.containsKey(p) && !taken.contains(p))
        .forEach(ordered::add);
    freeSpace.entrySet().stream()
        .filter(e -> !taken.contains(e.getKey()))
        .sorted(
            Comparator.comparing((Map.Entry<PeerId, Long> e) -> e.getValue())
                .reversed()
                .thenComparing(Map.Entry::getKey))
        .forEach(e -> ordered.add(e.getKey()));
    if (ordered.size() < needed) {
      throw new NotEnoughPeersException(needed, wanted, ordered.size());
    }
    List<PeerId> out = new ArrayList<>(validCurrent);
    ordered.stream().limit(wanted).forEach(out::add);
    return List.copyOf(out);
  }
}

package io.pincluster.service.cluster;

import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.PinAllocator;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * IPFS Cluster's replication rules (reference §5), as a pure function: which peers a pin goes to,
 * given its current allocations, the candidates with their metrics, and user-requested peers.
 */
public final class Allocations {
  private Allocations() {}

  /**
   * @param min replication_factor_min after defaults (positive)
   * @param max replication_factor_max after defaults (≥ min)
   * @param current the pin's current allocations (empty for a new pin)
   * @param candidates the healthy peers that have every metric the allocator needs
   * @param priority user allocations, tried before the others
   * @return the new allocation list
   * @throws NotEnoughPeersException when fewer than {@code min} peers can hold it
   */
  public static List<PeerId> allocate(
      Cid cid,
      int min,
      int max,
      List<PeerId> current,
      Candidates candidates,
      List<PeerId> priority,
      PinAllocator allocator) {
    List<PeerId> validCurrent =
        current.stream().filter(candidates.metrics()::containsKey).distinct().toList();
    int needed = min - validCurrent.size();
    int wanted = max - validCurrent.size();
    if (wanted < 0) {
      return List.copyOf(validCurrent.subList(0, validCurrent.size() + wanted));
    }
    if (needed <= 0) {
      return List.copyOf(current);
    }
    Set<PeerId> taken = Set.copyOf(validCurrent);
    List<PeerId> ordered =
        allocator.allocate(cid, candidates.without(taken).metrics(), priority).stream()
            .filter(p -> !taken.contains(p))
            .toList();
    if (ordered.size() < needed) {
      throw new NotEnoughPeersException(needed, wanted, ordered.size(), candidates.leftOut());
    }
    List<PeerId> out = new ArrayList<>(validCurrent);
    ordered.stream().limit(wanted).forEach(out::add);
    return List.copyOf(out);
  }
}

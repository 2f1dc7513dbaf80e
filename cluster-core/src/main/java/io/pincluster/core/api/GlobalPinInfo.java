package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status of one CID on every peer of the cluster ({@code GET /pins/{cid}}).
 *
 * @param peerMap peer ID text to that peer's status, ordered by peer ID
 */
public record GlobalPinInfo(
    Cid cid,
    String name,
    List<PeerId> allocations,
    List<Multiaddr> origins,
    Instant created,
    Map<String, String> metadata,
    Map<String, PinInfoShort> peerMap) {

  public GlobalPinInfo {
    name = name == null ? "" : name;
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
    origins = origins == null ? List.of() : List.copyOf(origins);
    created = created == null ? Pin.ZERO_TIME : created;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    peerMap = byPeerId(peerMap);
  }

  /** An immutable copy ordered by peer ID; one peer's (every local status) without a tree. */
  private static Map<String, PinInfoShort> byPeerId(Map<String, PinInfoShort> peerMap) {
    if (peerMap == null || peerMap.isEmpty()) {
      return Map.of();
    }
    if (peerMap.size() == 1) {
      Map.Entry<String, PinInfoShort> only = peerMap.entrySet().iterator().next();
      return Collections.singletonMap(only.getKey(), only.getValue()); // takes a null, as a tree
    }
    return Collections.unmodifiableMap(new TreeMap<>(peerMap));
  }

  /** A GlobalPinInfo holding only {@code info}'s peer, as IPFS Cluster answers local requests. */
  public static GlobalPinInfo ofLocal(PinInfo info) {
    return new GlobalPinInfo(
        info.cid(),
        info.name(),
        info.allocations(),
        info.origins(),
        info.created(),
        info.metadata(),
        Map.of(info.peer().toString(), info.toShort()));
  }
}

package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a user asks for when pinning (the query options of {@code POST /pins/{cid}}). Immutable.
 *
 * @param replicationFactorMin 0 = the configured default, -1 = everywhere
 * @param replicationFactorMax 0 = the configured default, -1 = everywhere
 */
public record PinOptions(
    int replicationFactorMin,
    int replicationFactorMax,
    String name,
    PinMode mode,
    List<PeerId> userAllocations,
    Instant expireAt,
    Map<String, String> metadata,
    Cid pinUpdate,
    List<Multiaddr> origins) {

  public static final PinOptions DEFAULT =
      new PinOptions(0, 0, "", PinMode.RECURSIVE, List.of(), null, Map.of(), null, List.of());

  public PinOptions {
    name = name == null ? "" : name;
    mode = mode == null ? PinMode.RECURSIVE : mode;
    userAllocations = userAllocations == null ? List.of() : List.copyOf(userAllocations);
    expireAt = expireAt == null ? Pin.ZERO_TIME : expireAt;
    metadata =
        metadata == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    origins = origins == null ? List.of() : List.copyOf(origins);
  }

  public PinOptions withName(String newName) {
    return new PinOptions(
        replicationFactorMin,
        replicationFactorMax,
        newName,
        mode,
        userAllocations,
        expireAt,
        metadata,
        pinUpdate,
        origins);
  }

  public PinOptions withReplication(int min, int max) {
    return new PinOptions(
        min, max, name, mode, userAllocations, expireAt, metadata, pinUpdate, origins);
  }
}

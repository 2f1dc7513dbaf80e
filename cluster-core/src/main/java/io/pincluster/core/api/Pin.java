package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An item of the pinset: a CID, where it is allocated and the options it was pinned with. JSON
 * names as IPFS Cluster v1 ({@code replication_factor_min}, {@code max_depth}, …); the options are
 * flattened into the object. Immutable; lists and maps are copied and never null.
 *
 * @param allocations the peers that must pin it; empty means every peer ("everywhere")
 * @param maxDepth -1 recursive, 0 direct
 * @param reference unused by data pins; null
 * @param timestamp when the pin was submitted to consensus (chosen by the proposer)
 * @param expireAt {@link #ZERO_TIME} when the pin does not expire
 * @param pinUpdate the CID this pin replaced, or null
 */
public record Pin(
    Cid cid,
    PinType type,
    List<PeerId> allocations,
    int maxDepth,
    Cid reference,
    Instant timestamp,
    int replicationFactorMin,
    int replicationFactorMax,
    String name,
    PinMode mode,
    List<PeerId> userAllocations,
    Instant expireAt,
    Map<String, String> metadata,
    Cid pinUpdate,
    List<Multiaddr> origins) {

  /** Go's zero time, which IPFS Cluster writes for "no expiry". */
  public static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  public Pin {
    Objects.requireNonNull(cid, "cid");
    type = type == null ? PinType.PIN : type;
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
    timestamp = timestamp == null ? ZERO_TIME : timestamp;
    name = name == null ? "" : name;
    mode = mode == null ? (maxDepth == 0 ? PinMode.DIRECT : PinMode.RECURSIVE) : mode;
    userAllocations = userAllocations == null ? List.of() : List.copyOf(userAllocations);
    expireAt = expireAt == null ? ZERO_TIME : expireAt;
    metadata =
        metadata == null || metadata.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
    origins = origins == null ? List.of() : List.copyOf(origins);
  }

  /** A pin of {@code cid} with these options, not yet allocated or stamped. */
  public static Pin of(Cid cid, PinOptions options) {
    return new Pin(
        cid,
        PinType.PIN,
        List.of(),
        options.mode().maxDepth(),
        null,
        ZERO_TIME,
        options.replicationFactorMin(),
        options.replicationFactorMax(),
        options.name(),
        options.mode(),
        options.userAllocations(),
        options.expireAt(),
        options.metadata(),
        options.pinUpdate(),
        options.origins());
  }

  public PinOptions options() {
    return new PinOptions(
        replicationFactorMin,
        replicationFactorMax,
        name,
        mode,
        userAllocations,
        expireAt,
        metadata,
        pinUpdate,
        origins);
  }

  /** True when every peer must pin it (no explicit allocations). */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isEverywhere() {
    return allocations.isEmpty();
  }

  /** True when this peer must pin it. */
  public boolean isAllocatedTo(PeerId peer) {
    return allocations.isEmpty() || allocations.contains(peer);
  }

  public Pin withAllocations(List<PeerId> newAllocations) {
    return new Pin(
        cid,
        type,
        newAllocations,
        maxDepth,
        reference,
        timestamp,
        replicationFactorMin,
        replicationFactorMax,
        name,
        mode,
        userAllocations,
        expireAt,
        metadata,
        pinUpdate,
        origins);
  }

  public Pin withTimestamp(Instant newTimestamp) {
    return new Pin(
        cid,
        type,
        allocations,
        maxDepth,
        reference,
        newTimestamp,
        replicationFactorMin,
        replicationFactorMax,
        name,
        mode,
        userAllocations,
        expireAt,
        metadata,
        pinUpdate,
        origins);
  }

  public Pin withReplication(int min, int max) {
    return new Pin(
        cid,
        type,
        allocations,
        maxDepth,
        reference,
        timestamp,
        min,
        max,
        name,
        mode,
        userAllocations,
        expireAt,
        metadata,
        pinUpdate,
        origins);
  }
}

package io.pincluster.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One peer's status for one CID with the pin's summary (IPFS Cluster's {@code PinInfo}: the pin
 * fields followed by the flattened {@link PinInfoShort} fields). This is what peer RPC returns for
 * a local status.
 */
public record PinInfo(
    Cid cid,
    String name,
    PeerId peer,
    List<PeerId> allocations,
    List<Multiaddr> origins,
    Instant created,
    Map<String, String> metadata,
    String peername,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String ipfsPeerId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> ipfsPeerAddresses,
    TrackerStatus status,
    Instant timestamp,
    String error,
    int attemptCount,
    boolean priorityPin) {

  public PinInfo {
    name = name == null ? "" : name;
    allocations = allocations == null ? List.of() : List.copyOf(allocations);
    origins = origins == null ? List.of() : List.copyOf(origins);
    created = created == null ? Pin.ZERO_TIME : created;
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    peername = peername == null ? "" : peername;
    ipfsPeerId = ipfsPeerId == null ? "" : ipfsPeerId;
    ipfsPeerAddresses = ipfsPeerAddresses == null ? List.of() : List.copyOf(ipfsPeerAddresses);
    timestamp = timestamp == null ? Pin.ZERO_TIME : timestamp;
    error = error == null ? "" : error;
  }

  /**
   * The status of {@code cid} on {@code peer}, with the pin's summary when it is in the pinset
   * ({@code pin} may be null).
   */
  public static PinInfo of(
      Cid cid,
      Pin pin,
      PeerId peer,
      String peername,
      TrackerStatus status,
      Instant timestamp,
      String error,
      int attempts) {
    return new PinInfo(
        cid,
        pin == null ? "" : pin.name(),
        peer,
        pin == null ? List.of() : pin.allocations(),
        pin == null ? List.of() : pin.origins(),
        pin == null ? Pin.ZERO_TIME : pin.timestamp(),
        pin == null ? Map.of() : pin.metadata(),
        peername,
        "",
        List.of(),
        status,
        timestamp,
        error,
        attempts,
        false);
  }

  public PinInfoShort toShort() {
    return new PinInfoShort(
        peername,
        ipfsPeerId,
        ipfsPeerAddresses,
        status,
        timestamp,
        error,
        attemptCount,
        priorityPin);
  }

  public PinInfo withIpfs(String ipfsId, List<String> ipfsAddresses) {
    return new PinInfo(
        cid,
        name,
        peer,
        allocations,
        origins,
        created,
        metadata,
        peername,
        ipfsId,
        ipfsAddresses,
        status,
        timestamp,
        error,
        attemptCount,
        priorityPin);
  }
}

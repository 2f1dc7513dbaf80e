package io.pincluster.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One peer's status for one CID, as a value of {@link GlobalPinInfo#peerMap()}.
 *
 * @param error empty when there is no error
 * @param attemptCount how many times this peer tried the current operation
 */
public record PinInfoShort(
    String peername,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String ipfsPeerId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> ipfsPeerAddresses,
    TrackerStatus status,
    Instant timestamp,
    String error,
    int attemptCount,
    boolean priorityPin) {

  public PinInfoShort {
    peername = peername == null ? "" : peername;
    ipfsPeerId = ipfsPeerId == null ? "" : ipfsPeerId;
    ipfsPeerAddresses = ipfsPeerAddresses == null ? List.of() : List.copyOf(ipfsPeerAddresses);
    status = status == null ? TrackerStatus.UNDEFINED : status;
    timestamp = timestamp == null ? Pin.ZERO_TIME : timestamp;
    error = error == null ? "" : error;
  }
}

package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;
import java.util.Objects;

/**
 * One peer's status for one CID as peers stream it to each other (peer RPC's status stream): the
 * CID and the {@link PinInfoShort} fields. Its JSON is {@link PinInfo}'s without the pin's summary
 * (name, peer, allocations, origins, created, metadata), which the receiving peer has in its own
 * pinset. Either JSON reads as the other (unknown fields are ignored, missing ones take their
 * defaults), so peers sending either form understand each other. Written and read by hand ({@link
 * io.pincluster.core.json.Json} registers the codec): a cluster-wide status decodes one per pin and
 * peer.
 */
public record LocalPinStatus(Cid cid, PinInfoShort status) {
  public LocalPinStatus {
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(status, "status");
  }

  public static LocalPinStatus of(PinInfo info) {
    return new LocalPinStatus(info.cid(), info.toShort());
  }
}

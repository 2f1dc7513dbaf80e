package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster-wide status of every pin, streamed: this peer's local statuses drive the order (CID
 * order, as the pinset is stored), and each other peer's status stream (also in CID order) is
 * merge-joined against it, so memory stays flat whatever the pinset size. A peer whose stream fails
 * reports {@code cluster_error} with the failure for the rest of the listing; a peer that has not
 * applied a pin yet reports {@code undefined}.
 */
final class MergedStatus extends Lookahead<GlobalPinInfo> {
  /** One other peer's stream, or the error that stopped it. */
  static final class PeerStream {
    final PeerId peer;
    final String peername;
    CloseableIterator<LocalPinStatus> stream;
    LocalPinStatus head;
    String error;

    PeerStream(
        PeerId peer, String peername, CloseableIterator<LocalPinStatus> stream, String error) {
      this.peer = peer;
      this.peername = peername;
      this.stream = stream;
      this.error = error;
    }

    /** Closes the stream, if this peer has one. */
    void close() {
      if (stream != null) {
        stream.close();
      }
    }

    /** The status of {@code cid} on this peer, consuming entries that sort before it. */
    PinInfoShort statusOf(Cid cid, InstantSource clock) {
      try {
        while (error == null && (head == null || head.cid().compareTo(cid) < 0)) {
          if (!stream.hasNext()) {
            head = null;
            break;
          }
          head = stream.next();
        }
      } catch (RuntimeException e) {
        error = "peer stream failed: " + e.getMessage();
        stream.close();
      }
      if (error != null) {
        return new PinInfoShort(
            peername, "", List.of(), TrackerStatus.CLUSTER_ERROR, clock.instant(), error, 0, false);
      }
      if (head != null && head.cid().equals(cid)) {
        return head.status();
      }
      return new PinInfoShort(
          peername,
          "",
          List.of(),
          TrackerStatus.UNDEFINED,
          clock.instant(),
          "this peer has not applied the pin yet",
          0,
          false);
    }
  }

  private final CloseableIterator<PinInfo> local;
  private final PeerId self;
  private final List<PeerStream> others;
  private final Set<TrackerStatus> filter;
  private final InstantSource clock;

  MergedStatus(
      CloseableIterator<PinInfo> local,
      PeerId self,
      List<PeerStream> others,
      Set<TrackerStatus> filter,
      InstantSource clock) {
    this.local = local;
    this.self = self;
    this.others = new ArrayList<>(others);
    this.filter = filter;
    this.clock = clock;
  }

  @Override
  protected GlobalPinInfo computeNext() {
    while (local.hasNext()) {
      PinInfo mine = local.next();
      Map<String, PinInfoShort> peerMap = new LinkedHashMap<>();
      if (filter.contains(mine.status())) {
        peerMap.put(self.toString(), mine.toShort());
      }
      for (PeerStream other : others) {
        PinInfoShort s = other.statusOf(mine.cid(), clock);
        if (filter.contains(s.status())) {
          peerMap.put(other.peer.toString(), s);
        }
      }
      if (!peerMap.isEmpty()) {
        return new GlobalPinInfo(
            mine.cid(),
            mine.name(),
            mine.allocations(),
            mine.origins(),
            mine.created(),
            mine.metadata(),
            peerMap);
      }
    }
    return null;
  }

  @Override
  public void close() {
    local.close();
    others.forEach(PeerStream::close);
  }
}

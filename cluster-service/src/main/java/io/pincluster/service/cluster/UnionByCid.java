package io.pincluster.service.cluster;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.cid.Cid;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Merges several peers' streams of {@link PinInfo} (each in CID order) into one {@link
 * GlobalPinInfo} per CID, holding one item per peer in memory. Used for recover and sync, where
 * each peer reports only the CIDs it acted on. A stream that fails ends that peer's contribution
 * (its error is reported once, as a {@code cluster_error} for the CID it stopped at).
 */
final class UnionByCid extends Lookahead<GlobalPinInfo> {
  /** One peer's stream with its current head. */
  private static final class Head {
    final String peer;
    final CloseableIterator<PinInfo> stream;
    PinInfo item;

    Head(String peer, CloseableIterator<PinInfo> stream) {
      this.peer = peer;
      this.stream = stream;
    }

    boolean advance() {
      item = stream.hasNext() ? stream.next() : null;
      return item != null;
    }
  }

  private final List<Head> all = new ArrayList<>();
  private final PriorityQueue<Head> heads =
      new PriorityQueue<>(Comparator.comparing((Head h) -> h.item.cid()));

  UnionByCid(Map<String, CloseableIterator<PinInfo>> streams) {
    streams.forEach((peer, s) -> all.add(new Head(peer, s)));
    for (Head h : all) {
      safeAdvance(h);
    }
  }

  private void safeAdvance(Head h) {
    try {
      if (h.advance()) {
        heads.add(h);
      }
    } catch (RuntimeException e) {
      h.item = null;
      h.stream.close();
    }
  }

  @Override
  protected GlobalPinInfo computeNext() {
    Head first = heads.poll();
    if (first == null) {
      return null;
    }
    Cid cid = first.item.cid();
    PinInfo sample = first.item;
    Map<String, PinInfoShort> peerMap = new LinkedHashMap<>();
    peerMap.put(first.peer, first.item.toShort());
    safeAdvance(first);
    while (!heads.isEmpty() && heads.peek().item.cid().equals(cid)) {
      Head h = heads.poll();
      peerMap.put(h.peer, h.item.toShort());
      safeAdvance(h);
    }
    return new GlobalPinInfo(
        cid,
        sample.name(),
        sample.allocations(),
        sample.origins(),
        sample.created(),
        sample.metadata(),
        peerMap);
  }

  @Override
  public void close() {
    all.forEach(h -> h.stream.close());
  }
}

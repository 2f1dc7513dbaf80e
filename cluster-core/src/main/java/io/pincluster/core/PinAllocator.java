package io.pincluster.core;

import io.pincluster.core.api.Metric;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.Map;

/**
 * Orders candidate peers for a new allocation. Pure and thread-safe: it only sorts, the caller
 * applies the replication rules.
 */
public interface PinAllocator {
  /**
   * Candidates in preference order (best first), priority peers ahead of the others.
   *
   * @param candidates each candidate's latest valid metrics, by metric name
   * @param priority user-requested peers, tried first
   */
  List<PeerId> allocate(
      Cid cid, Map<PeerId, Map<String, Metric>> candidates, List<PeerId> priority);
}

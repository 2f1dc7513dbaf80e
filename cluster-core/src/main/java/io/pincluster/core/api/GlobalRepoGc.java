package io.pincluster.core.api;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** {@code POST /ipfs/gc}: every peer's garbage collection, {@code {"peer_map": {…}}}. */
public record GlobalRepoGc(Map<String, RepoGc> peerMap) {
  public GlobalRepoGc {
    peerMap = peerMap == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(peerMap));
  }
}

package io.pincluster.core.api;

import io.pincluster.core.peer.PeerId;
import java.util.List;

/**
 * One peer's IPFS garbage collection: {@code {"peer","peername","keys":[{"key","error"}],"error"}}.
 */
public record RepoGc(PeerId peer, String peername, List<RepoGcKey> keys, String error) {
  public RepoGc {
    peername = peername == null ? "" : peername;
    keys = keys == null ? List.of() : List.copyOf(keys);
    error = error == null ? "" : error;
  }
}

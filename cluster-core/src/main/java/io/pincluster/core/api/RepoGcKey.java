package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;

/** One block removed by an IPFS garbage collection, or the error met: {@code {"key","error"}}. */
public record RepoGcKey(Cid key, String error) {
  public RepoGcKey {
    error = error == null ? "" : error;
  }
}

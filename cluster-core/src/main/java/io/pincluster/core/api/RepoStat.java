package io.pincluster.core.api;

/**
 * An IPFS repository's size and limit ({@code repo/stat}), in bytes.
 *
 * @param repoSize bytes used
 * @param storageMax the configured limit
 */
public record RepoStat(long repoSize, long storageMax) {
  /** Bytes still free under the limit (never negative). */
  public long freeSpace() {
    return Math.max(0, storageMax - repoSize);
  }
}

package io.pincluster.core;

/** No Raft leader could be reached within the configured wait; nothing was committed. */
public final class NoLeaderException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public NoLeaderException(String message, Throwable cause) {
    super(message, cause);
  }
}

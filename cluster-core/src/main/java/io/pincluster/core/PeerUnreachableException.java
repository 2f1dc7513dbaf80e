package io.pincluster.core;

/** A peer RPC call failed: the peer is unknown, down, or answered with an error. */
public final class PeerUnreachableException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public PeerUnreachableException(String message) {
    super(message);
  }

  public PeerUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}

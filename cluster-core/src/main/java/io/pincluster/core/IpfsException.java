package io.pincluster.core;

/** The IPFS node refused a request or could not be reached; the message says which and why. */
public final class IpfsException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public IpfsException(String message) {
    super(message);
  }

  public IpfsException(String message, Throwable cause) {
    super(message, cause);
  }
}

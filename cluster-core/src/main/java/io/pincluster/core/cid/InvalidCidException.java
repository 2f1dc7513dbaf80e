package io.pincluster.core.cid;

/** The text or bytes given are not a valid CID; the message says why. */
public final class InvalidCidException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidCidException(String message, Throwable cause) {
    super(message, cause);
  }

  public InvalidCidException(String message) {
    super(message);
  }
}

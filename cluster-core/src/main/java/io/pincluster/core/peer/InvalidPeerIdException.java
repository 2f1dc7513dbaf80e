package io.pincluster.core.peer;

/** The text given is not a peer ID; the message says why. */
public final class InvalidPeerIdException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidPeerIdException(String message) {
    super(message);
  }
}

package io.pincluster.core;

/**
 * The request is invalid as given (a bad argument, a malformed body), as opposed to a failure of
 * the cluster or of IPFS: retrying it unchanged fails the same way, and nothing was changed. The
 * REST API answers 400 with the message.
 */
public class InvalidRequestException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}

package io.pincluster.ctl.client;

/**
 * The request could not be sent or its answer could not be read or decoded: the server is not
 * reachable, TLS failed, the connection broke, or the answer was not the expected JSON.
 */
public final class TransportException extends RestClientException {
  private static final long serialVersionUID = 1L;

  public TransportException(String message) {
    super(message);
  }

  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}

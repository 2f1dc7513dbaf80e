package io.pincluster.ctl.client;

/**
 * The request could not be sent or its answer could not be read or decoded: the server is not
 * reachable, TLS failed, the connection broke, or the answer was not the expected JSON.
 */
public final class TransportException extends RestClientException {
  private static final long serialVersionUID = 1L;

  private final boolean connectFailed;

  public TransportException(String message) {
    this(message, null, false);
  }

  public TransportException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * @param connectFailed true when no connection to the server could be opened (refused, unknown
   *     host, no route, connect timeout, TLS handshake failure): nothing of the request was sent
   */
  public TransportException(String message, Throwable cause, boolean connectFailed) {
    super(message, cause);
    this.connectFailed = connectFailed;
  }

  /** Whether the connection could not be opened, so that nothing of the request was sent. */
  public boolean connectFailed() {
    return connectFailed;
  }
}

package io.pincluster.ctl.client;

/**
 * No complete answer arrived within the call timeout. For a write (pin, unpin) this is
 * indeterminate: the operation may have been applied.
 */
public final class RequestTimeoutException extends RestClientException {
  private static final long serialVersionUID = 1L;

  public RequestTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}

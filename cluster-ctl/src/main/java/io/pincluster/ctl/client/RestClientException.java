package io.pincluster.ctl.client;

import io.pincluster.core.ClusterException;

/**
 * A REST call failed. The subclasses say how: {@link ApiErrorException} (the API answered with an
 * error object), {@link StreamErrorException} (a streamed answer ended with an error), {@link
 * RequestTimeoutException} (no complete answer in time) and {@link TransportException} (the request
 * could not be sent or the answer could not be read).
 */
public class RestClientException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public RestClientException(String message) {
    super(message);
  }

  public RestClientException(String message, Throwable cause) {
    super(message, cause);
  }
}

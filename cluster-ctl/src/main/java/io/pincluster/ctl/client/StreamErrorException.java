package io.pincluster.ctl.client;

/**
 * A streamed (NDJSON) answer started fine but the server reported an error in its {@code
 * X-Stream-Error} trailer: the items already received are only part of the result.
 */
public final class StreamErrorException extends RestClientException {
  private static final long serialVersionUID = 1L;

  public StreamErrorException(String message) {
    super(message);
  }
}

package io.pincluster.ctl.client;

import io.pincluster.core.api.ApiError;

/**
 * The API answered with a non-2xx status and (usually) an {@code {"code", "message"}} body. When
 * the body is not an error object, the error carries the HTTP status and the body text.
 */
public final class ApiErrorException extends RestClientException {
  private static final long serialVersionUID = 1L;

  private final transient ApiError error;
  private final int httpStatus;

  public ApiErrorException(int httpStatus, ApiError error) {
    super("the API answered " + error.code() + ": " + error.message());
    this.httpStatus = httpStatus;
    this.error = error;
  }

  /** The error object as the API sent it. */
  public ApiError error() {
    return error;
  }

  /** The HTTP status of the answer. */
  public int httpStatus() {
    return httpStatus;
  }
}

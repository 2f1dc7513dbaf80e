package io.pincluster.http;

/**
 * Thrown by a handler to answer with {@code status} and the error body {@code {"code": status,
 * "message": message}}, e.g. a 400 for a malformed parameter.
 */
public class HttpException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public HttpException(int status, String message) {
    super(message);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status " + status + " is not an error status");
    }
    this.status = status;
  }

  public HttpException(int status, String message, Throwable cause) {
    this(status, message);
    initCause(cause);
  }

  public int status() {
    return status;
  }
}

package io.pincluster.testing.internal;

/**
 * A failure a Kubo command answers with {@code {"Message":…,"Code":…,"Type":"error"}}: HTTP 500
 * with code 0 for command errors, HTTP 400 with code 1 for client (argument) errors.
 */
public final class KuboError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final int code;

  KuboError(int status, int code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** A command error: HTTP 500, code 0. */
  public static KuboError of(String message) {
    return new KuboError(500, 0, message);
  }

  /** A client error (bad or missing argument): HTTP 400, code 1. */
  public static KuboError client(String message) {
    return new KuboError(400, 1, message);
  }

  public int status() {
    return status;
  }

  public int code() {
    return code;
  }
}

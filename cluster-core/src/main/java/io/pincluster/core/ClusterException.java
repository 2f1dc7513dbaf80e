package io.pincluster.core;

/**
 * Base of pincluster's unchecked, typed failures. Messages name the condition and the value; the
 * REST API maps subclasses to status codes.
 */
public class ClusterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.pincluster.core;

/**
 * A write was sent but its outcome is unknown (it timed out or the connection broke after sending):
 * it may or may not have been committed. Every write is safe to retry.
 */
public final class IndeterminateCommitException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public IndeterminateCommitException(String message, Throwable cause) {
    super(message, cause);
  }
}

package io.pincluster.ctl.internal;

import io.pincluster.core.ClusterException;

/**
 * A cluster-ctl failure that is not an API error answer, with the exit code it ends the command
 * with: 1 for a bad argument or failed operation, 2 when the cluster reported an error (e.g. a peer
 * in pin_error while waiting), 62 when a deadline passed, 125 when interrupted.
 */
public final class CtlException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_API_ERROR = 2;
  public static final int EXIT_DEADLINE = 62;
  public static final int EXIT_CANCELED = 125;

  private final int exitCode;

  public CtlException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** A bad argument or a failed operation (exit 1). */
  public static CtlException failure(String message) {
    return new CtlException(message, EXIT_FAILURE);
  }

  public int exitCode() {
    return exitCode;
  }
}

package io.pincluster.consensus.raft.internal;

import io.pincluster.core.ClusterException;
import io.pincluster.core.IndeterminateCommitException;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.config.GoDuration;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.ReconfigurationInProgressException;
import org.apache.ratis.protocol.exceptions.ResourceUnavailableException;
import org.apache.ratis.protocol.exceptions.ServerNotReadyException;
import org.apache.ratis.protocol.exceptions.StateMachineException;

/** Maps Ratis client failures to pincluster's exceptions. Stateless. */
public final class Failures {
  private Failures() {}

  /**
   * True when the failed attempt may have been appended by a leader: a request timeout or a
   * connection that broke after sending. A refusal (not leader, not ready, connection refused) is
   * not ambiguous.
   */
  public static boolean isAmbiguous(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof RaftRetryFailureException && e.getCause() != null) {
      e = unwrap(e.getCause());
    }
    return !isRefusal(e);
  }

  /**
   * The attempt failed before it was sent because the client's stream to that server was closed
   * (Ratis closes it after a not-leader or leader-not-ready reply); the client opens a new one for
   * the next attempt.
   */
  static boolean isClosedStream(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof RaftRetryFailureException && e.getCause() != null) {
      e = unwrap(e.getCause());
    }
    return sentNothing(e);
  }

  /** The attempt was certainly not accepted by a leader. */
  static boolean isRefusal(Throwable e) {
    return e instanceof NotLeaderException
        || e instanceof LeaderNotReadyException
        || e instanceof LeaderSteppingDownException
        || e instanceof ServerNotReadyException
        || e instanceof GroupMismatchException
        || e instanceof ReconfigurationInProgressException
        || e instanceof ResourceUnavailableException
        || sentNothing(e)
        || causedByConnectionRefused(e)
        || causedByTlsHandshake(e);
  }

  /**
   * The connection failed in the TLS handshake, before any request was sent: typically the other
   * side holds another cluster secret (the Raft transport's mutual TLS, {@code ClusterTls}).
   */
  static boolean causedByTlsHandshake(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SSLHandshakeException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * Ratis' gRPC client fails a request with "… is closed." or "…: the stream is closed." when it
   * could not even send it (the connection was being replaced); pending requests that were sent get
   * "…: Stream <event>: no reply for async request …" instead, which is ambiguous.
   */
  private static boolean sentNothing(Throwable e) {
    return e instanceof AlreadyClosedException
        && e.getMessage() != null
        && !e.getMessage().contains("no reply");
  }

  private static boolean causedByConnectionRefused(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /**
   * The exception a write's caller gets for Ratis failure {@code t}.
   *
   * @param possiblyAccepted whether any attempt of this write was ambiguous
   */
  public static ClusterException toClusterException(
      Throwable t, boolean possiblyAccepted, Duration waitForLeader) {
    Throwable e = unwrap(t);
    if (e instanceof ClusterException ce) {
      return ce;
    }
    Throwable last =
        e instanceof RaftRetryFailureException && e.getCause() != null ? e.getCause() : e;
    if (e instanceof StateMachineException) {
      return new ClusterException("the state machine rejected the write: " + e.getMessage(), e);
    }
    if (!possiblyAccepted && isRefusal(unwrap(last))) {
      return new NoLeaderException(
          "no leader: timed out after "
              + GoDuration.format(waitForLeader)
              + " waiting for a Raft leader (last error: "
              + describe(last)
              + ")",
          e);
    }
    return new IndeterminateCommitException(
        "the write may or may not have been committed (" + describe(last) + "); retrying is safe",
        e);
  }

  static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** A one-line description of {@code t}, with a hint when it is a failed TLS handshake. */
  public static String describe(Throwable t) {
    String hint = causedByTlsHandshake(t) ? "; " + TLS_HINT : "";
    String message = t.getMessage();
    String name = t.getClass().getSimpleName();
    if (message == null) {
      return name + hint;
    }
    int newline = message.indexOf('\n');
    String firstLine = newline < 0 ? message : message.substring(0, newline);
    return name
        + ": "
        + (firstLine.length() > 200 ? firstLine.substring(0, 200) + "…" : firstLine)
        + hint;
  }

  /** What a failed TLS handshake on the Raft port usually means. */
  public static final String TLS_HINT =
      "the TLS handshake failed: check that cluster.secret is the same on every peer";
}

package io.pincluster.faults.crash;

import java.util.Objects;

/**
 * One request of the workload, as recorded.
 *
 * @param client the client that sent it ({@link #PROBE_CLIENT} for the runner's own probes)
 * @param peer the peer name it was sent to
 * @param sentMillis when it was sent (ms since the run started)
 * @param doneMillis when the answer (or the error) came
 * @param detail the HTTP status and body start, or the exception, of a not-acknowledged request
 */
public record Op(
    int client,
    Kind kind,
    String cid,
    String peer,
    long sentMillis,
    long doneMillis,
    Outcome outcome,
    String detail) {
  /** The client number of the runner's not-stuck probes. */
  public static final int PROBE_CLIENT = -1;

  public enum Kind {
    PIN,
    UNPIN
  }

  /** What the client knows about the request's effect. */
  public enum Outcome {
    /** 2xx: the operation committed. */
    ACKNOWLEDGED,
    /** Refused before it could commit (4xx, connection refused): no effect. */
    FAILED,
    /** Timeout, reset connection or 5xx: it may or may not have committed. */
    UNKNOWN
  }

  public Op {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(outcome, "outcome");
    detail = detail == null ? "" : detail;
  }

  /** One line for violation messages: {@code +1234ms..+1300ms client 2 PIN via peer1: ACK}. */
  public String describe() {
    return "+"
        + sentMillis
        + "ms..+"
        + doneMillis
        + "ms "
        + (client == PROBE_CLIENT ? "probe" : "client " + client)
        + " "
        + kind
        + " via "
        + peer
        + ": "
        + outcome
        + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}

package io.pincluster.pintracker;

import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import java.time.Instant;
import java.util.Objects;

/**
 * Why a CID is not as the pinset wants it on this peer: a failed pin or unpin, or a pin found
 * missing from IPFS. Kept in the {@link TrackerStore} (not on the heap) until the CID is recovered,
 * synced, or no longer wanted. Immutable.
 *
 * @param cid the CID as the pinset names it; the store keys it by its multihash
 * @param error what went wrong (at most {@link #MAX_ERROR_LENGTH} characters)
 * @param attempts how many times the operation was tried
 * @param timestamp when it failed
 * @param requeued true once a recover asked for a retry: the CID then waits for a queue slot and
 *     shows as queued
 */
public record Failure(
    Cid cid, Kind kind, String error, int attempts, Instant timestamp, boolean requeued) {

  /** Longer error texts are cut to this many characters. */
  public static final int MAX_ERROR_LENGTH = 4096;

  /** The kinds of failure, each with the status it shows as. */
  public enum Kind {
    PIN_ERROR(TrackerStatus.PIN_ERROR),
    UNPIN_ERROR(TrackerStatus.UNPIN_ERROR),
    UNEXPECTEDLY_UNPINNED(TrackerStatus.UNEXPECTEDLY_UNPINNED);

    private final TrackerStatus status;

    Kind(TrackerStatus status) {
      this.status = status;
    }

    public TrackerStatus status() {
      return status;
    }

    /** True for the kinds a pin operation resolves (pin_error, unexpectedly_unpinned). */
    public boolean wantsPin() {
      return this != UNPIN_ERROR;
    }
  }

  public Failure {
    Objects.requireNonNull(cid, "cid");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(timestamp, "timestamp");
    error = error == null ? "" : error;
    if (error.length() > MAX_ERROR_LENGTH) {
      error = error.substring(0, MAX_ERROR_LENGTH);
    }
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts cannot be negative: " + attempts);
    }
  }

  /** The same failure, marked as waiting for a retry. */
  public Failure requeue() {
    return new Failure(cid, kind, error, attempts, timestamp, true);
  }

  /** The status this failure shows as: its kind's, or queued once requeued. */
  public TrackerStatus status() {
    if (!requeued) {
      return kind.status();
    }
    return kind.wantsPin() ? TrackerStatus.PIN_QUEUED : TrackerStatus.UNPIN_QUEUED;
  }
}

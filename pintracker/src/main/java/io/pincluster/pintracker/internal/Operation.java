package io.pincluster.pintracker.internal;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.TrackerStatus;
import java.time.Instant;

/**
 * One pending or failed local operation on a CID. Immutable: a change of phase is a new object,
 * swapped into the tracker's map with compare-and-set so a worker never overwrites a newer op.
 *
 * @param attempts how many times this operation (same type) has been tried
 */
public record Operation(
    Type type, Phase phase, Pin pin, Instant timestamp, String error, int attempts) {

  /** What the operation does to the local IPFS node. */
  public enum Type {
    PIN,
    UNPIN
  }

  /** Where the operation stands. */
  public enum Phase {
    QUEUED,
    IN_PROGRESS,
    ERROR
  }

  public static Operation queued(Type type, Pin pin, Instant now, int attempts) {
    return new Operation(type, Phase.QUEUED, pin, now, "", attempts);
  }

  public Operation inProgress(Instant now) {
    return new Operation(type, Phase.IN_PROGRESS, pin, now, "", attempts + 1);
  }

  public Operation failed(Instant now, String message) {
    return new Operation(type, Phase.ERROR, pin, now, message, attempts);
  }

  /** The status this operation shows as. */
  public TrackerStatus status() {
    boolean pin = type == Type.PIN;
    return switch (phase) {
      case QUEUED -> pin ? TrackerStatus.PIN_QUEUED : TrackerStatus.UNPIN_QUEUED;
      case IN_PROGRESS -> pin ? TrackerStatus.PINNING : TrackerStatus.UNPINNING;
      case ERROR -> pin ? TrackerStatus.PIN_ERROR : TrackerStatus.UNPIN_ERROR;
    };
  }
}

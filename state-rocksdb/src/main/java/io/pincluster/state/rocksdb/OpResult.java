package io.pincluster.state.rocksdb;

import io.pincluster.core.api.Pin;
import java.util.Objects;

/**
 * The outcome of one {@link StateOp} in an applied batch. Immutable.
 *
 * @param status what happened
 * @param pin for {@link StateOp.PutPin} the pin it replaced (null when new); for {@link
 *     StateOp.RemovePin} the removed pin; otherwise null
 * @param error why the operation was rejected ({@link Status#INVALID}), otherwise ""
 */
public record OpResult(Status status, Pin pin, String error) {

  /** The outcome kinds. */
  public enum Status {
    /** Applied. */
    OK,
    /** A removal of something absent; nothing changed. */
    NOT_FOUND,
    /** The whole batch was already applied before (log replay after a restart); nothing changed. */
    SKIPPED,
    /** The operation was malformed and was not applied; the rest of the batch was. */
    INVALID
  }

  private static final OpResult OK = new OpResult(Status.OK, null, "");
  private static final OpResult NOT_FOUND = new OpResult(Status.NOT_FOUND, null, "");
  private static final OpResult SKIPPED = new OpResult(Status.SKIPPED, null, "");

  public OpResult {
    Objects.requireNonNull(status, "status");
    error = error == null ? "" : error;
  }

  public static OpResult ok() {
    return OK;
  }

  public static OpResult ok(Pin pin) {
    return pin == null ? OK : new OpResult(Status.OK, pin, "");
  }

  public static OpResult notFound() {
    return NOT_FOUND;
  }

  public static OpResult skipped() {
    return SKIPPED;
  }

  public static OpResult invalid(String error) {
    return new OpResult(Status.INVALID, null, error);
  }

  public boolean isOk() {
    return status == Status.OK;
  }
}

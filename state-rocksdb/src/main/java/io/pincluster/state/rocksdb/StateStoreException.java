package io.pincluster.state.rocksdb;

import io.pincluster.core.ClusterException;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * The state store failed to read or write (a RocksDB error, or the store is closed). Not caused by
 * bad input: the caller cannot fix it by changing arguments.
 */
public final class StateStoreException extends ClusterException {
  private static final long serialVersionUID = 1L;

  /** How the operating system words ENOSPC in the messages RocksDB passes on. */
  private static final String NO_SPACE = "No space left on device";

  public StateStoreException(String message) {
    super(message);
  }

  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * True when the write failed because the file system is full (ENOSPC). Nothing was written then;
   * the same write may be retried once space is freed (the database resumes by itself).
   */
  public boolean noSpace() {
    for (Throwable t = this; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RocksDBException r
          && r.getStatus() != null
          && r.getStatus().getSubCode() == Status.SubCode.NoSpace) {
        return true;
      }
      if (t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
        return true;
      }
    }
    return false;
  }
}

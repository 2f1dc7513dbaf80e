package io.pincluster.state.rocksdb;

import io.pincluster.core.ClusterException;

/**
 * The state store failed to read or write (a RocksDB error, or the store is closed). Not caused by
 * bad input: the caller cannot fix it by changing arguments.
 */
public final class StateStoreException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public StateStoreException(String message) {
    super(message);
  }

  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

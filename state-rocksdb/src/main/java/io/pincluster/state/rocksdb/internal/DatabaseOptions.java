package io.pincluster.state.rocksdb.internal;

import org.rocksdb.DBOptions;

/** The RocksDB database options the pinset and the tracker store share. */
final class DatabaseOptions {
  private DatabaseOptions() {}

  /**
   * The most write-ahead log a database keeps. A WAL file can only go once every column family has
   * flushed what it holds from it, so a family written rarely (the meta keys, the failures, the
   * peers) kept every later file: an IPFS sync of 10M pins left 1.9 GB of WAL in the tracker store,
   * replayed at every start. Past this size RocksDB flushes the families that hold the oldest file.
   */
  static final long MAX_TOTAL_WAL_BYTES = 256L << 20;

  /**
   * New options: a database created when missing (unless {@code readOnly}), at most {@code
   * maxTotalWalBytes} of WAL, three info logs of 8 MB. The caller closes them after the database.
   */
  static DBOptions create(boolean readOnly, long maxTotalWalBytes) {
    return new DBOptions()
        .setCreateIfMissing(!readOnly)
        .setCreateMissingColumnFamilies(!readOnly)
        .setMaxTotalWalSize(maxTotalWalBytes)
        .setKeepLogFileNum(3)
        .setMaxLogFileSize(8L << 20);
  }
}

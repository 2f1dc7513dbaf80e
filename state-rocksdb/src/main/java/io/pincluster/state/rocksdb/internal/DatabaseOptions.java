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
   * maxTotalWalBytes} of WAL, three info logs of 8 MB, table files read through memory maps. The
   * caller closes them after the database.
   *
   * <p>Memory-mapped reads: a large store's blocks mostly miss RocksDB's small block cache, and
   * each miss was a {@code pread} that copied the block out of the page cache (the kernel's {@code
   * filemap_read} in the IPFS sync's profile). Mapped, a block is read where the page cache holds
   * it, and the tracker store's uncompressed blocks are not copied at all. Measured (2026-11-29): a
   * steady-state IPFS sync of 3M pins 16.7–17.9 s → 14.0–14.3 s (system CPU 10.4 → 4.1 s); at 1M
   * pins the {@code status --local} stream +10%, {@code pin ls} +5–10%. The mapped pages are page
   * cache: they count in the daemon's resident size but not its heap, and the kernel reclaims them
   * like any cached file. RocksDB never truncates a table file it has mapped. The cost: a disk that
   * cannot read a mapped page kills the process ({@code SIGBUS}) where a read would have failed
   * with an I/O error; for a peer that is one crash and restart (docs/production.md, Memory).
   */
  static DBOptions create(boolean readOnly, long maxTotalWalBytes) {
    return new DBOptions()
        .setAllowMmapReads(true)
        .setCreateIfMissing(!readOnly)
        .setCreateMissingColumnFamilies(!readOnly)
        .setMaxTotalWalSize(maxTotalWalBytes)
        .setKeepLogFileNum(3)
        .setMaxLogFileSize(8L << 20);
  }
}

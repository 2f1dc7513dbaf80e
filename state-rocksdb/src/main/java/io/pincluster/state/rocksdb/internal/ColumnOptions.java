package io.pincluster.state.rocksdb.internal;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.Filter;
import org.rocksdb.VectorMemTableConfig;

/**
 * The column-family options both stores use, with the native objects they need kept alive until the
 * database is closed.
 *
 * <p>Every table file carries a Bloom filter of {@value #BLOOM_BITS_PER_KEY} bits per key (about 1%
 * false positives, 1.25 bytes a key). Most point reads of a large store look for a key that is not
 * there: a CID's failure record (almost every pin has none), the rebuilding generation's copy of a
 * pin during an IPFS sync, a pin about to be added. Without a filter each such read searches the
 * index and a data block of every level, which from about a million pins on means reading and
 * decompressing blocks that are not cached; with it, most of those reads touch no block. Files
 * written before the filter was set get one when compaction rewrites them.
 *
 * <p>Every memtable also carries a whole-key Bloom filter of {@value #MEMTABLE_BLOOM_RATIO} of its
 * size (about 1.3 MB for a 64 MB memtable: some 16 bits a key for the tracker store's small
 * records, more for the pinset's). Ingest reads mostly keys that are in no memtable (the pin about
 * to be added, a new pin's tracker record and failure), and without it each such read searched the
 * memtable's skip list, a cache miss a level: in bulk ingest (bench figure 2, 2026-11-29) those
 * searches took 12% of the whole machine's CPU, 2% with the filter.
 */
public final class ColumnOptions implements AutoCloseable {
  public static final double BLOOM_BITS_PER_KEY = 10;

  /** The memtable Bloom filter's size, a fraction of the memtable's. */
  public static final double MEMTABLE_BLOOM_RATIO = 0.02;

  private final Filter filter;
  private final ColumnFamilyOptions options;
  private final boolean concurrentMemtableWrites;

  private ColumnOptions(
      Filter filter, ColumnFamilyOptions options, boolean concurrentMemtableWrites) {
    this.filter = filter;
    this.options = options;
    this.concurrentMemtableWrites = concurrentMemtableWrites;
  }

  /**
   * Options for the pinset: blocks compressed with LZ4 (pin records repeat peer IDs and field
   * layouts, and the Raft snapshot a new peer receives is made of these files). LZ4 rather than
   * RocksDB's default, Snappy: a 1M-pin state import wrote 112 MB of tables instead of 132 MB and
   * its flushes and compactions took about half the CPU. Tables written earlier with Snappy stay
   * readable (each block names its compression) and are rewritten with LZ4 as compaction reaches
   * them. The caller closes them after the database that uses them.
   */
  public static ColumnOptions forPinset() {
    return create(CompressionType.LZ4_COMPRESSION, true);
  }

  /** The memtable size of a bulk load: RocksDB's default {@code write_buffer_size}. */
  public static final long BULK_LOAD_MEMTABLE_BYTES = 64L << 20;

  /**
   * The pinset's options for a bulk load into an empty store (an offline state import, where
   * nothing reads until the load is over): the same tables, but memtables of {@code memtableBytes}
   * that append each write and sort once when flushed (RocksDB's skip list kept about half of the
   * importing thread busy inserting random keys; a read of such a memtable sorts it again each
   * time), and no automatic compaction or write stalls, however many level-0 files the flushes
   * leave: the loader compacts once at the end. Such memtables take no concurrent writes ({@link
   * #allowsConcurrentMemtableWrites}).
   */
  public static ColumnOptions forPinsetBulkLoad(long memtableBytes) {
    ColumnOptions o = create(CompressionType.LZ4_COMPRESSION, false);
    try {
      o.options
          .setMemTableConfig(new VectorMemTableConfig())
          .setWriteBufferSize(memtableBytes)
          .setDisableAutoCompactions(true)
          .setLevel0SlowdownWritesTrigger(Integer.MAX_VALUE)
          .setLevel0StopWritesTrigger(Integer.MAX_VALUE);
      return o;
    } catch (RuntimeException e) {
      o.close();
      throw e;
    }
  }

  /**
   * Options for the tracker store: blocks not compressed. Its records are a multihash key and a
   * CID, random bytes that compress little, while an IPFS sync reads a record of every pin in
   * random order, so each read would decompress a block for nothing (a sync of 3M pins: 63 s
   * compressed, 45 s not). The caller closes them after the database that uses them.
   */
  public static ColumnOptions forTrackerStore() {
    return create(CompressionType.NO_COMPRESSION, true);
  }

  private static ColumnOptions create(
      CompressionType compression, boolean concurrentMemtableWrites) {
    Filter filter = new BloomFilter(BLOOM_BITS_PER_KEY);
    ColumnFamilyOptions options = new ColumnFamilyOptions();
    options.setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
    options.setCompressionType(compression);
    options
        .setMemtableWholeKeyFiltering(true)
        .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO);
    return new ColumnOptions(filter, options, concurrentMemtableWrites);
  }

  /**
   * Whether the memtables these options make take concurrent writes: the database options' {@code
   * allow_concurrent_memtable_write} must say the same, or RocksDB refuses to open.
   */
  public boolean allowsConcurrentMemtableWrites() {
    return concurrentMemtableWrites;
  }

  public ColumnFamilyOptions options() {
    return options;
  }

  /** Closes the options, then the filter. Call once, after the database is closed. */
  @Override
  public void close() {
    options.close();
    filter.close();
  }
}

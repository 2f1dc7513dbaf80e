package io.pincluster.state.rocksdb.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.PerfLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.TableProperties;

/**
 * Both stores write table files with a Bloom filter and keep one for each memtable, so reads of
 * absent keys skip them; the pinset's tables are compressed with LZ4, the tracker store's not at
 * all.
 */
class ColumnOptionsTest {
  @TempDir Path dir;

  @Test
  void thePinsetWritesTablesWithABloomFilter() throws Exception {
    try (RocksHandles h = RocksHandles.open(dir.resolve("state"), false)) {
      assertThat(filterBytesAfterFlush(h.db(), h.pins())).isGreaterThan(1000);
      assertThat(compressionOf(h.db(), h.pins())).containsOnly("LZ4");
    }
  }

  @Test
  void theBulkLoadPinsetWritesTheSameTablesWithoutCompactingThem() throws Exception {
    Path state = dir.resolve("state");
    try (RocksHandles h =
        RocksHandles.openForBulkLoad(state, ColumnOptions.BULK_LOAD_MEMTABLE_BYTES)) {
      assertThat(latestOptionsFile(state)).contains("memtable_factory={id=VectorRepFactory");
      assertThat(filterBytesAfterFlush(h.db(), h.pins())).isGreaterThan(1000);
      assertThat(compressionOf(h.db(), h.pins())).containsOnly("LZ4");
      for (int i = 0; i < 5; i++) { // past level0_file_num_compaction_trigger (4): no compaction
        filterBytesAfterFlush(h.db(), h.pins());
      }
      assertThat(h.db().getProperty(h.pins(), "rocksdb.num-files-at-level0")).isEqualTo("6");
    }
  }

  @Test
  void theTrackerStoreWritesTablesWithABloomFilter() throws Exception {
    try (TrackerHandles h = TrackerHandles.open(dir.resolve("tracker"))) {
      assertThat(filterBytesAfterFlush(h.db(), h.pinned())).isGreaterThan(1000);
      assertThat(filterBytesAfterFlush(h.db(), h.failures())).isGreaterThan(1000);
      assertThat(compressionOf(h.db(), h.pinned())).containsOnly("NoCompression");
    }
  }

  @Test
  void bothStoresSkipMemtableSearchesForAbsentKeys() throws Exception {
    try (RocksHandles pinset = RocksHandles.open(dir.resolve("state"), false);
        TrackerHandles tracker = TrackerHandles.open(dir.resolve("tracker"))) {
      assertThat(memtableFilterMisses(pinset.db(), pinset.pins())).isGreaterThan(900);
      assertThat(memtableFilterMisses(tracker.db(), tracker.pinned())).isGreaterThan(900);
      assertThat(memtableFilterMisses(tracker.db(), tracker.failures())).isGreaterThan(900);
    }
  }

  /**
   * Writes 1,000 keys to {@code cf}'s memtable, then reads 1,000 others: how many of those reads
   * the memtable's Bloom filter answered (RocksDB's perf context, this thread's).
   */
  private static long memtableFilterMisses(RocksDB db, ColumnFamilyHandle cf) throws Exception {
    for (int i = 0; i < 1_000; i++) {
      db.put(cf, ("present-" + i).getBytes(UTF_8), new byte[16]);
    }
    db.setPerfLevel(PerfLevel.ENABLE_COUNT);
    try {
      db.getPerfContext().reset();
      for (int i = 0; i < 1_000; i++) {
        assertThat(db.get(cf, ("absent-" + i).getBytes(UTF_8))).isNull();
      }
      return db.getPerfContext().getBloomMemtableMissCount();
    } finally {
      db.setPerfLevel(PerfLevel.DISABLE);
    }
  }

  /** Writes 10,000 keys, flushes them to a table file, returns its filter block's size. */
  private static long filterBytesAfterFlush(RocksDB db, ColumnFamilyHandle cf) throws Exception {
    for (int i = 0; i < 10_000; i++) {
      db.put(cf, ("key-" + i).getBytes(UTF_8), new byte[16]);
    }
    try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      db.flush(f, cf);
    }
    String props = db.getProperty(cf, "rocksdb.aggregated-table-properties");
    Matcher m = Pattern.compile("filter block size=(\\d+)").matcher(props);
    assertThat(m.find()).as("filter block size in %s", props).isTrue();
    return Long.parseLong(m.group(1));
  }

  /** The text of the newest OPTIONS file RocksDB wrote into {@code db}. */
  static String latestOptionsFile(Path db) throws Exception {
    try (Stream<Path> files = Files.list(db)) {
      Path newest =
          files
              .filter(f -> f.getFileName().toString().startsWith("OPTIONS-"))
              .max(Comparator.comparing(f -> f.getFileName().toString()))
              .orElseThrow();
      return Files.readString(newest);
    }
  }

  private static Set<String> compressionOf(RocksDB db, ColumnFamilyHandle cf) throws Exception {
    return db.getPropertiesOfAllTables(cf).values().stream()
        .map(TableProperties::getCompressionName)
        .collect(Collectors.toSet());
  }
}

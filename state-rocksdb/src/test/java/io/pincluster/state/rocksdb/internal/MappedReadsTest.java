package io.pincluster.state.rocksdb.internal;

import static io.pincluster.state.rocksdb.internal.TrackerHandlesTest.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Both stores read their table files through memory maps (see {@link DatabaseOptions#create}), and
 * what they read that way is what was written: point reads and a full scan of flushed tables, after
 * a reopen (the pinset's also read-only, as offline commands open it).
 */
class MappedReadsTest {
  @TempDir Path dir;

  /** The value of {@code key} in the newest OPTIONS file RocksDB wrote in {@code dir}. */
  static String option(Path dir, String key) throws Exception {
    return ColumnOptionsTest.latestOptionsFile(dir)
        .lines()
        .map(String::strip)
        .filter(l -> l.startsWith(key + "="))
        .map(l -> l.substring(key.length() + 1))
        .findFirst()
        .orElseThrow();
  }

  static Map<byte[], byte[]> write(RocksDB db, ColumnFamilyHandle cf, long seed) throws Exception {
    Random r = new Random(seed);
    Map<byte[], byte[]> written = new LinkedHashMap<>();
    for (int i = 0; i < 5_000; i++) {
      byte[] key = random(r, 36);
      byte[] value = random(r, 1 + r.nextInt(300));
      db.put(cf, key, value);
      written.put(key, value);
    }
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush, cf); // into a table file, read through its map from now on
    }
    return written;
  }

  static void assertReads(RocksDB db, ColumnFamilyHandle cf, Map<byte[], byte[]> written)
      throws Exception {
    for (Map.Entry<byte[], byte[]> e : written.entrySet()) {
      assertThat(db.get(cf, e.getKey())).isEqualTo(e.getValue());
    }
    int scanned = 0;
    try (RocksIterator it = db.newIterator(cf)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        scanned++;
      }
    }
    assertThat(scanned).isEqualTo(written.size());
    assertThat(db.get(cf, new byte[36])).isNull();
  }

  @Test
  void thePinsetReadsItsTablesThroughMapsWritableAndReadOnly() throws Exception {
    Map<byte[], byte[]> written;
    try (RocksHandles h = RocksHandles.open(dir, false)) {
      written = write(h.db(), h.pins(), 1);
      assertReads(h.db(), h.pins(), written);
    }
    assertThat(option(dir, "allow_mmap_reads")).isEqualTo("true");
    try (RocksHandles h = RocksHandles.open(dir, true)) {
      assertReads(h.db(), h.pins(), written);
    }
  }

  @Test
  void theTrackerStoreReadsItsTablesThroughMaps() throws Exception {
    Map<byte[], byte[]> written;
    try (TrackerHandles h = TrackerHandles.open(dir)) {
      written = write(h.db(), h.pinned(), 2);
      assertReads(h.db(), h.pinned(), written);
    }
    assertThat(option(dir, "allow_mmap_reads")).isEqualTo("true");
    try (TrackerHandles h = TrackerHandles.open(dir)) {
      assertReads(h.db(), h.pinned(), written);
    }
  }
}

package io.pincluster.state.rocksdb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker store's write-ahead log stays bounded and is empty after a clean close. */
class TrackerHandlesTest {
  @TempDir Path dir;

  /** Bytes of RocksDB write-ahead log files ({@code NNNNNN.log}) in {@code dir}. */
  static long walBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("\\d+\\.log"))
          .mapToLong(p -> p.toFile().length())
          .sum();
    }
  }

  static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @Test
  void aRarelyWrittenColumnFamilyDoesNotKeepEveryLaterWalFile() throws Exception {
    long memtable = 512 << 10;
    long maxWal = 1 << 20;
    Random r = new Random(1);
    try (TrackerHandles h = TrackerHandles.open(dir, maxWal, memtable)) {
      h.db().put(h.failures(), random(r, 34), random(r, 40)); // then never written again
      long most = 0;
      for (int i = 1; i <= 80_000; i++) { // about 20 MB, 40 memtables of pinned records
        h.db().put(h.pinned(), random(r, 36), random(r, 220));
        if (i % 1_000 == 0) {
          most = Math.max(most, walBytes(dir));
        }
      }
      // without the bound RocksDB keeps up to 4 × (3 families × 2 memtables × 512 KB) = 12 MB
      assertThat(most).isLessThan(4L << 20);
    }
  }

  @Test
  void aCleanCloseLeavesNoWalToReplay() throws Exception {
    Random r = new Random(2);
    try (TrackerHandles h = TrackerHandles.open(dir)) {
      h.db().put(h.failures(), random(r, 34), random(r, 40));
      for (int i = 0; i < 1_000; i++) {
        h.db().put(h.pinned(), random(r, 36), random(r, 220));
      }
      assertThat(walBytes(dir)).isPositive();
    }
    assertThat(walBytes(dir)).isZero();
    try (TrackerHandles h = TrackerHandles.open(dir)) {
      assertThat(h.db().getLongProperty(h.pinned(), "rocksdb.estimate-num-keys")).isEqualTo(1_000);
    }
  }
}

package io.pincluster.state.rocksdb;

import static io.pincluster.state.rocksdb.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.Pin;
import io.pincluster.core.json.Json;
import io.pincluster.state.rocksdb.StateOp.PutPin;
import io.pincluster.state.rocksdb.internal.RocksHandles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;

/**
 * {@link RocksPinStore#bulkLoad} leaves exactly the database that {@link RocksPinStore#load} does.
 */
class BulkLoadTest {
  @TempDir Path tmp;

  /**
   * 2,500 pins, then every tenth of 0..2999 again renamed (250 of them replace earlier pins: later
   * wins; 50 new), some with their JSON given.
   */
  static List<PutPin> ops() {
    List<PutPin> ops = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      Pin p = pin(i);
      ops.add(i % 2 == 0 ? new PutPin(p) : new PutPin(p, Json.write(p)));
    }
    for (int i = 0; i < 3000; i += 10) {
      ops.add(new PutPin(pin(i, "again-" + i)));
    }
    return ops;
  }

  @Test
  void bulkLoadWritesTheSameKeysValuesAndCountAsLoadInSmallOrLargeBatches() throws Exception {
    List<PutPin> ops = ops();
    Path viaLoad = tmp.resolve("load");
    try (RocksPinStore s = RocksPinStore.open(viaLoad)) {
      for (int from = 0; from < ops.size(); from += 1000) {
        s.load(new ArrayList<StateOp>(ops.subList(from, Math.min(ops.size(), from + 1000))));
      }
      s.markApplied(1, 0);
    }
    for (int batch : new int[] {1, 7, 10_000}) {
      Path viaBulk = tmp.resolve("bulk-" + batch);
      // a store tuned for the load (as state import opens it) and a plain one
      try (RocksPinStore s =
          batch == 7 ? RocksPinStore.open(viaBulk) : RocksPinStore.openForBulkLoad(viaBulk)) {
        assertThat(s.bulkLoad(ops.iterator(), batch)).isEqualTo(2550);
        assertThat(s.estimatedCount()).isEqualTo(2550);
        s.markApplied(1, 0);
      }
      assertThat(dump(viaBulk)).as("batch " + batch).isEqualTo(dump(viaLoad));
      assertThat(levelZeroPinFiles(viaBulk)).as("compacted after the load").isZero();
      try (RocksPinStore s = RocksPinStore.open(viaBulk)) {
        assertThat(s.estimatedCount()).isEqualTo(2550);
        assertThat(s.get(pin(20).cid()).orElseThrow().name()).isEqualTo("again-20");
        assertThat(s.get(pin(21).cid()).orElseThrow().name()).isEqualTo("pin-21");
      }
    }
  }

  /**
   * With 64 KB memtables the load flushes many overlapping level-0 files, a CID and its replacement
   * often in different ones: the compaction at the end merges them, and the count read from the
   * tables' metadata is still the number of distinct CIDs.
   */
  @Test
  void manySmallFlushesAreCompactedIntoTheSameDatabase() throws Exception {
    Path viaLoad = loadedTheSlowWay(ops());
    Path viaBulk = tmp.resolve("bulk-small-memtables");
    try (RocksPinStore s = RocksPinStore.openForBulkLoad(viaBulk, 64 << 10)) {
      assertThat(s.bulkLoad(ops().iterator(), 100)).isEqualTo(2550);
      s.markApplied(1, 0);
    }
    assertThat(dump(viaBulk)).isEqualTo(dump(viaLoad));
    assertThat(levelZeroPinFiles(viaBulk)).isZero();
  }

  /**
   * A reader's snapshot taken during the load keeps the versions it sees, so a CID written before
   * it and again after it is stored twice: the count then comes from iterating, not from the
   * tables' entry counts (which would say 2,800).
   */
  @Test
  void aSnapshotTakenDuringTheLoadIsNotCountedTwice() throws Exception {
    Path viaLoad = loadedTheSlowWay(ops());
    Path viaBulk = tmp.resolve("bulk-with-reader");
    List<CloseableIterator<Pin>> readers = new ArrayList<>();
    try (RocksPinStore s = RocksPinStore.openForBulkLoad(viaBulk, 64 << 10)) {
      Iterator<PutPin> in = ops().iterator();
      Iterator<PutPin> withReader =
          new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
              return in.hasNext();
            }

            @Override
            public PutPin next() {
              if (++n == 2000) {
                readers.add(s.list()); // held open until the load is over
              }
              return in.next();
            }
          };
      assertThat(s.bulkLoad(withReader, 100)).isEqualTo(2550);
      readers.forEach(CloseableIterator::close);
      s.markApplied(1, 0);
    }
    assertThat(readers).hasSize(1);
    assertThat(dump(viaBulk)).isEqualTo(dump(viaLoad));
  }

  /** A store holding {@code ops} written with {@link RocksPinStore#load}, applied at (1, 0). */
  private Path loadedTheSlowWay(List<PutPin> ops) {
    Path dir = tmp.resolve("load");
    try (RocksPinStore s = RocksPinStore.open(dir)) {
      s.load(new ArrayList<StateOp>(ops));
      s.markApplied(1, 0);
    }
    return dir;
  }

  @Test
  void bulkLoadOfNothingLeavesWhatLoadingNothingLeaves() throws Exception {
    Path viaLoad = tmp.resolve("load");
    try (RocksPinStore s = RocksPinStore.open(viaLoad)) {
      s.markApplied(1, 0);
    }
    Path viaBulk = tmp.resolve("bulk");
    try (RocksPinStore s = RocksPinStore.open(viaBulk)) {
      assertThat(s.bulkLoad(List.<PutPin>of().iterator(), 10)).isZero();
      s.markApplied(1, 0);
    }
    assertThat(dump(viaBulk)).isEqualTo(dump(viaLoad));
  }

  @Test
  void bulkLoadRefusesAStoreWithPinsOrListenersAndABadBatchSize() {
    try (RocksPinStore s = RocksPinStore.open(tmp.resolve("db"))) {
      assertThatThrownBy(() -> s.bulkLoad(ops().iterator(), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("batchSize (0) must be > 0");
      s.load(List.of(new PutPin(pin(1))));
      assertThatThrownBy(() -> s.bulkLoad(ops().iterator(), 10))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("holds 1 pins");
    }
    try (RocksPinStore s = RocksPinStore.open(tmp.resolve("db2"))) {
      s.addListener(
          new io.pincluster.core.PinStateView.PinStateListener() {
            @Override
            public void pinned(Pin pin, Pin previous) {}

            @Override
            public void unpinned(Pin pin) {}
          });
      assertThatThrownBy(() -> s.bulkLoad(ops().iterator(), 10))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("without listeners");
    }
  }

  @Test
  void whatTheIteratorThrowsPassesThrough() {
    Iterator<PutPin> failing =
        new Iterator<>() {
          int n;

          @Override
          public boolean hasNext() {
            if (n == 5) {
              throw new IllegalStateException("line 6: broken");
            }
            return true;
          }

          @Override
          public PutPin next() {
            return new PutPin(pin(n++));
          }
        };
    try (RocksPinStore s = RocksPinStore.open(tmp.resolve("db"))) {
      assertThatThrownBy(() -> s.bulkLoad(failing, 2)).hasMessage("line 6: broken");
    }
  }

  /** The pins' table files in level 0, where flushes put them before any compaction. */
  private static int levelZeroPinFiles(Path dir) throws Exception {
    try (RocksHandles h = RocksHandles.open(dir, true)) {
      assertThat(h.db().getLiveFilesMetaData()).isNotEmpty();
      return Integer.parseInt(h.db().getProperty(h.pins(), "rocksdb.num-files-at-level0"));
    }
  }

  /** Every key and value of every column family, as hex text, in order. */
  static Map<String, String> dump(Path dir) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    try (RocksHandles h = RocksHandles.open(dir, true)) {
      for (ColumnFamilyHandle cf : List.of(h.meta(), h.pins(), h.peers())) {
        try (RocksIterator it = h.db().newIterator(cf)) {
          for (it.seekToFirst(); it.isValid(); it.next()) {
            out.put(
                new String(cf.getName()) + "/" + HexFormat.of().formatHex(it.key()),
                HexFormat.of().formatHex(it.value()));
          }
        }
      }
    }
    return out;
  }
}

package io.pincluster.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.pintracker.Failure;
import io.pincluster.pintracker.KnownPin;
import io.pincluster.pintracker.TrackerStore;
import io.pincluster.pintracker.TrackerStoreContract;
import io.pincluster.testing.Cids;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker store contract on RocksDB, plus what only a persistent store can do. */
class RocksTrackerStoreTest extends TrackerStoreContract {
  @TempDir Path tmp;

  @Override
  protected TrackerStore open() {
    return RocksTrackerStore.open(tmp.resolve("tracker"));
  }

  TrackerStore reopen() {
    store.close();
    store = open();
    return store;
  }

  @Test
  void everythingSurvivesAReopen() {
    Cid a = Cids.random();
    Cid b = Cids.random();
    store.putPinned(known(a, true));
    store.putFailure(failure(b, Failure.Kind.UNEXPECTEDLY_UNPINNED));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      rebuild.add(a, PinMode.RECURSIVE);
      rebuild.add(b, PinMode.DIRECT);
      rebuild.commit();
    }
    reopen();
    assertThat(store.get(a).pinned()).contains(known(a, true));
    assertThat(store.get(b).pinned()).contains(new KnownPin(b, PinMode.DIRECT, false));
    assertThat(store.get(b).failure()).contains(failure(b, Failure.Kind.UNEXPECTEDLY_UNPINNED));
  }

  @Test
  void aRebuildLeftOpenByACrashIsDiscardedOnOpen() {
    Cid kept = Cids.random();
    store.putPinned(known(kept, true));
    TrackerStore.Rebuild rebuild = store.beginRebuild();
    rebuild.add(Cids.random(), PinMode.RECURSIVE);
    reopen(); // never committed nor closed
    assertThat(drain(store.pinned(null))).containsExactly(known(kept, true));
    try (TrackerStore.Rebuild again = store.beginRebuild()) {
      again.add(kept, PinMode.RECURSIVE);
      assertThat(drain(again.lost())).isEmpty();
      again.commit();
    }
    assertThat(drain(store.pinned(null))).containsExactly(known(kept, true));
  }

  @Test
  void iterationSpansManyChunksAndResumesAcrossACommit() {
    List<Cid> cids = Cids.random(1500);
    cids.forEach(c -> store.putPinned(known(c, true)));
    int seen = 0;
    try (var it = store.pinned(null)) {
      while (it.hasNext()) {
        it.next();
        if (++seen == 700) {
          try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
            cids.forEach(c -> rebuild.add(c, PinMode.RECURSIVE));
            rebuild.commit();
          }
        }
      }
    }
    assertThat(seen).isEqualTo(1500);
  }
}

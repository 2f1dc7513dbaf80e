package io.pincluster.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.pintracker.Failure;
import io.pincluster.pintracker.KnownPin;
import io.pincluster.pintracker.TrackerStore;
import io.pincluster.pintracker.TrackerStoreContract;
import io.pincluster.testing.Cids;
import java.nio.file.Path;
import java.util.ArrayList;
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

  private RocksTrackerStore rocks() {
    return (RocksTrackerStore) store;
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

  @Test
  void aListingLongerThanOneWriteBatchKeepsEveryRuleAcrossBatches() {
    List<Cid> many = Cids.random(2500); // listed pins are written 1024 at a time
    Cid directThenRecursive = many.get(3);
    Cid recursiveThenDirect = many.get(4);
    Cid writtenMeanwhile = many.get(5);
    Cid removedMeanwhile = many.get(6);
    Cid trackedBefore = many.get(7);
    Cid twiceInARow = many.get(8);
    store.putPinned(known(trackedBefore, true));
    store.putPinned(known(removedMeanwhile, true));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      for (int i = 0; i < many.size(); i++) {
        Cid c = many.get(i);
        rebuild.add(c, c.equals(directThenRecursive) ? PinMode.DIRECT : PinMode.RECURSIVE);
        if (c.equals(twiceInARow)) {
          rebuild.add(c, PinMode.DIRECT);
        }
        if (i == 10) { // listed, not yet written: the tracker's writes must still win
          store.putPinned(new KnownPin(writtenMeanwhile, PinMode.DIRECT, true));
          store.removePinned(removedMeanwhile);
        }
      }
      rebuild.add(directThenRecursive, PinMode.RECURSIVE); // in the last batch
      rebuild.add(recursiveThenDirect, PinMode.DIRECT);
      assertThat(rebuild.has(removedMeanwhile)).isTrue();
      assertThat(drain(rebuild.lost())).isEmpty();
      rebuild.commit();
    }

    assertThat(store.get(directThenRecursive).pinned())
        .contains(new KnownPin(directThenRecursive, PinMode.RECURSIVE, false));
    assertThat(store.get(recursiveThenDirect).pinned())
        .contains(new KnownPin(recursiveThenDirect, PinMode.RECURSIVE, false));
    assertThat(store.get(twiceInARow).pinned())
        .contains(new KnownPin(twiceInARow, PinMode.RECURSIVE, false));
    assertThat(store.get(writtenMeanwhile).pinned())
        .contains(new KnownPin(writtenMeanwhile, PinMode.DIRECT, true));
    assertThat(store.get(removedMeanwhile).pinned()).isEmpty();
    assertThat(store.get(trackedBefore).pinned()).contains(known(trackedBefore, true));
    assertThat(drain(store.pinned(null))).hasSize(many.size() - 1);
  }

  @Test
  void listedPinsNotYetWrittenAreDroppedWhenTheRebuildIsAbandoned() {
    Cid kept = Cids.random();
    store.putPinned(known(kept, true));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      Cids.random(100).forEach(c -> rebuild.add(c, PinMode.RECURSIVE));
    }
    try (TrackerStore.Rebuild again = store.beginRebuild()) {
      assertThat(again.has(kept)).isFalse();
      assertThat(drain(again.lost())).containsExactly(known(kept, true));
      again.commit();
    }
    assertThat(drain(store.pinned(null))).isEmpty();
  }

  @Test
  void aRebuildOfAnUnchangedListingWritesNothing() {
    List<Cid> cids = Cids.random(3000);
    cids.forEach(c -> store.putPinned(known(c, true)));
    try (TrackerStore.Rebuild first = store.beginRebuild()) {
      cids.forEach(c -> first.add(c, PinMode.RECURSIVE));
      first.commit();
    }
    long before = rocks().pinnedMemtableEntries();
    try (TrackerStore.Rebuild again = store.beginRebuild()) {
      cids.forEach(c -> again.add(c, PinMode.RECURSIVE));
      assertThat(drain(again.lost())).isEmpty();
      again.commit();
    }
    assertThat(rocks().pinnedMemtableEntries()).isEqualTo(before);
    assertThat(drain(store.pinned(null))).hasSize(3000);

    try (TrackerStore.Rebuild changed = store.beginRebuild()) {
      cids.forEach(c -> changed.add(c, c.equals(cids.get(0)) ? PinMode.DIRECT : PinMode.RECURSIVE));
      changed.add(Cids.random(), PinMode.RECURSIVE);
      changed.commit();
    }
    assertThat(rocks().pinnedMemtableEntries())
        .as("one mode changed, one pin new")
        .isEqualTo(before + 2);
    assertThat(store.get(cids.get(0)).pinned())
        .contains(new KnownPin(cids.get(0), PinMode.DIRECT, true));
  }

  @Test
  void aLostPinIsDroppedAfterTheCallerMovedPastItUnlessWrittenMeanwhile() {
    List<Cid> cids = Cids.random(1500); // the sweep reads 512 records at a time
    cids.forEach(c -> store.putPinned(known(c, true)));
    List<KnownPin> seen = new ArrayList<>();
    KnownPin rewritten = null;
    try (TrackerStore.Rebuild rebuild = store.beginRebuild();
        CloseableIterator<KnownPin> lost = rebuild.lost()) {
      while (lost.hasNext()) {
        KnownPin pin = lost.next();
        seen.add(pin);
        assertThat(store.get(pin.cid()).pinned()).as("kept while the caller looks").isPresent();
        if (seen.size() == 10) {
          rewritten = pin;
          store.putPinned(pin); // the tracker pinned it again meanwhile
        }
      }
      assertThat(rebuild.has(rewritten.cid())).isTrue();
      rebuild.commit();
    }
    assertThat(seen).hasSize(1500);
    assertThat(drain(store.pinned(null))).containsExactly(rewritten);
  }

  @Test
  void commitDropsTheLostPinsThatLostWasNotAskedFor() {
    List<Cid> cids = Cids.random(1200);
    cids.forEach(c -> store.putPinned(known(c, true)));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      rebuild.add(cids.get(0), PinMode.RECURSIVE);
      try (CloseableIterator<KnownPin> lost = rebuild.lost()) {
        lost.next(); // one, then the caller stops looking
      }
      rebuild.commit();
    }
    assertThat(drain(store.pinned(null))).containsExactly(known(cids.get(0), true));
  }

  @Test
  void aRebuildAbandonedAfterManyListedPinsKeepsThemAndDropsNothing() {
    Cid kept = Cids.random();
    store.putPinned(known(kept, true));
    List<Cid> listed = Cids.random(3000); // several write batches
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      listed.forEach(c -> rebuild.add(c, PinMode.RECURSIVE));
      assertThat(rebuild.has(kept)).isFalse();
    }
    assertThat(store.get(kept).pinned()).contains(known(kept, true));
    assertThat(store.get(listed.get(0)).pinned())
        .contains(new KnownPin(listed.get(0), PinMode.RECURSIVE, false));
  }

  @Test
  void tombstonesLastUntilTheNextRebuildsSweep() {
    Cid removed = Cids.random();
    store.putPinned(known(removed, true));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      store.removePinned(removed);
      rebuild.add(removed, PinMode.RECURSIVE); // listed before the unpin: stale
      rebuild.commit();
    }
    assertThat(rocks().rawPinned(removed.multihash())).as("a tombstone").isNotNull();
    assertThat(store.get(removed).pinned()).isEmpty();
    try (TrackerStore.Rebuild next = store.beginRebuild()) {
      assertThat(drain(next.lost())).isEmpty();
      next.commit();
    }
    assertThat(rocks().rawPinned(removed.multihash())).isNull();
    store.putPinned(known(removed, true));
    store.removePinned(removed); // no rebuild open: deleted at once
    assertThat(rocks().rawPinned(removed.multihash())).isNull();
  }

  @Test
  void theEpochSurvivesAReopenSoAnEarlierWriteIsNotTakenForANewOne() {
    try (TrackerStore.Rebuild first = store.beginRebuild()) {
      first.commit();
    }
    Cid cid = Cids.random();
    store.putPinned(known(cid, true)); // stamped with the first rebuild's epoch
    reopen();
    try (TrackerStore.Rebuild second = store.beginRebuild()) {
      assertThat(second.has(cid)).isFalse();
      assertThat(drain(second.lost())).containsExactly(known(cid, true));
      second.commit();
    }
    assertThat(store.get(cid).pinned()).isEmpty();
  }
}

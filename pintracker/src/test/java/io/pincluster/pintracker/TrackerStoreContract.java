package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.testing.Cids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link TrackerStore} contract, run against every implementation (a subclass per store; the
 * RocksDB one lives in state-rocksdb and reaches this class through pintracker's test jar).
 */
public abstract class TrackerStoreContract {
  protected static final Comparator<Multihash> BY_BYTES =
      (a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes());
  protected static final Instant T0 = Instant.parse("2026-02-03T04:05:06.123456789Z");

  protected TrackerStore store;

  /** A new, empty store. */
  protected abstract TrackerStore open();

  @BeforeEach
  void openStore() {
    store = open();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected static <T> List<T> drain(CloseableIterator<T> it) {
    List<T> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  protected static KnownPin known(Cid cid, boolean tracked) {
    return new KnownPin(cid, PinMode.RECURSIVE, tracked);
  }

  protected static Failure failure(Cid cid, Failure.Kind kind) {
    return new Failure(cid, kind, "it broke: ünïcødé", 3, T0, false);
  }

  @Test
  void aPinIsStoredAndFoundByMultihash() {
    assertThat(store.get(Cids.V0_1)).isEqualTo(TrackerStore.Entry.EMPTY);
    KnownPin pin = new KnownPin(Cids.V0_1, PinMode.DIRECT, true);
    store.putPinned(pin);
    assertThat(store.get(Cids.V0_1).pinned()).contains(pin);
    assertThat(store.get(Cids.V0_1.toV1()).pinned())
        .as("a CIDv1 of the same multihash finds the record, with the CID it was stored with")
        .contains(pin);
    store.removePinned(Cids.V0_1.toV1());
    assertThat(store.get(Cids.V0_1).pinned()).isEmpty();
    store.removePinned(Cids.V0_1); // absent is fine
  }

  @Test
  void aFailureRoundTripsEveryField() {
    Cid cid = Cids.random();
    for (Failure.Kind kind : Failure.Kind.values()) {
      Failure f = new Failure(cid, kind, "it broke: ünïcødé", 7, T0, kind.ordinal() % 2 == 0);
      store.putFailure(f);
      assertThat(store.get(cid).failure()).contains(f);
    }
    store.putFailure(failure(cid, Failure.Kind.PIN_ERROR).requeue());
    assertThat(store.get(cid).failure().orElseThrow().requeued()).isTrue();
    store.removeFailure(cid);
    assertThat(store.get(cid).failure()).isEmpty();
    store.removeFailure(cid);
  }

  @Test
  void aLongErrorIsCut() {
    Failure f =
        new Failure(Cids.random(), Failure.Kind.PIN_ERROR, "x".repeat(10_000), 1, T0, false);
    store.putFailure(f);
    assertThat(store.get(f.cid()).failure().orElseThrow().error())
        .hasSize(Failure.MAX_ERROR_LENGTH);
  }

  @Test
  void pinsAndFailuresAreIndependent() {
    Cid cid = Cids.random();
    store.putPinned(known(cid, true));
    store.putFailure(failure(cid, Failure.Kind.UNPIN_ERROR));
    TrackerStore.Entry e = store.get(cid);
    assertThat(e.pinned()).isPresent();
    assertThat(e.failure()).isPresent();
    store.removePinned(cid);
    assertThat(store.get(cid).failure()).isPresent();
  }

  @Test
  void getAllAnswersWhatGetDoesForEachCidInOrder() {
    Cid both = Cids.random();
    Cid pinnedOnly = Cids.random();
    Cid failedOnly = Cids.random();
    Cid neither = Cids.random();
    Cid removedDuringRebuild = Cids.random();
    store.putPinned(known(both, true));
    store.putFailure(failure(both, Failure.Kind.PIN_ERROR));
    store.putPinned(new KnownPin(Cids.V0_1, PinMode.DIRECT, false));
    store.putPinned(known(pinnedOnly, false));
    store.putFailure(failure(failedOnly, Failure.Kind.UNEXPECTEDLY_UNPINNED));
    store.putPinned(known(removedDuringRebuild, true));
    assertThat(store.getAll(List.of())).isEmpty();
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      store.removePinned(removedDuringRebuild);
      List<Cid> cids =
          List.of(
              neither,
              both,
              Cids.V0_1.toV1(),
              failedOnly,
              pinnedOnly,
              removedDuringRebuild,
              both,
              Cids.V0_1);
      List<TrackerStore.Entry> expected = new ArrayList<>();
      for (Cid cid : cids) {
        expected.add(store.get(cid));
      }
      assertThat(store.getAll(cids)).containsExactlyElementsOf(expected);
      assertThat(expected.get(1).pinned()).isPresent();
      assertThat(expected.get(1).failure()).isPresent();
      assertThat(expected.get(2).pinned()).contains(new KnownPin(Cids.V0_1, PinMode.DIRECT, false));
      assertThat(expected.get(3).failure()).isPresent();
      assertThat(expected.get(3).pinned()).isEmpty();
      assertThat(expected.get(5)).isEqualTo(TrackerStore.Entry.EMPTY);
    }
  }

  @Test
  void pinsAndFailuresAreListedInMultihashOrderAndResumable() {
    List<Cid> cids = Cids.random(50);
    cids.forEach(c -> store.putPinned(known(c, false)));
    cids.forEach(c -> store.putFailure(failure(c, Failure.Kind.PIN_ERROR)));
    List<Multihash> sorted = cids.stream().map(Cid::multihash).sorted(BY_BYTES).toList();

    assertThat(drain(store.pinned(null)))
        .extracting(p -> p.cid().multihash())
        .containsExactlyElementsOf(sorted);
    assertThat(drain(store.failures(null)))
        .extracting(f -> f.cid().multihash())
        .containsExactlyElementsOf(sorted);
    assertThat(drain(store.pinned(sorted.get(19))))
        .extracting(p -> p.cid().multihash())
        .containsExactlyElementsOf(sorted.subList(20, 50));
    assertThat(drain(store.failures(sorted.get(49)))).isEmpty();
  }

  @Test
  void iteratingWhileWritingNeitherFailsNorStops() {
    List<Cid> cids = Cids.random(600);
    cids.forEach(c -> store.putPinned(known(c, true)));
    int seen = 0;
    try (CloseableIterator<KnownPin> it = store.pinned(null)) {
      while (it.hasNext()) {
        KnownPin p = it.next();
        store.removePinned(p.cid());
        if (seen < 100) {
          store.putPinned(known(Cids.random(), false));
        }
        seen++;
      }
    }
    assertThat(seen).isGreaterThanOrEqualTo(600);
  }

  @Test
  void aCommittedRebuildReplacesTheViewAndKeepsTrackedFlagsAndNames() {
    Cid kept = Cids.V0_2;
    Cid gone = Cids.random();
    store.putPinned(known(kept, true));
    store.putPinned(known(gone, true));
    Cid fresh = Cids.random();
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      rebuild.add(kept.toV1(), PinMode.DIRECT);
      rebuild.add(fresh, PinMode.DIRECT);
      rebuild.add(fresh, PinMode.RECURSIVE);
      assertThat(store.get(gone).pinned()).as("readers see the old view").isPresent();
      assertThat(drain(rebuild.lost())).extracting(KnownPin::cid).containsExactly(gone);
      assertThat(rebuild.has(kept)).isTrue();
      assertThat(rebuild.has(gone)).isFalse();
      rebuild.commit();
    }
    assertThat(store.get(kept).pinned()).contains(new KnownPin(kept, PinMode.DIRECT, true));
    assertThat(store.get(fresh).pinned()).contains(new KnownPin(fresh, PinMode.RECURSIVE, false));
    assertThat(store.get(gone).pinned()).isEmpty();
    assertThat(drain(store.pinned(null))).hasSize(2);
  }

  @Test
  void anAbandonedRebuildDropsNothing() {
    Cid cid = Cids.random();
    store.putPinned(known(cid, true));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      rebuild.add(Cids.random(), PinMode.RECURSIVE);
    }
    assertThat(drain(store.pinned(null))).containsExactly(known(cid, true));
    try (TrackerStore.Rebuild again = store.beginRebuild()) {
      again.commit(); // an empty listing is a valid listing
    }
    assertThat(drain(store.pinned(null))).isEmpty();
  }

  @Test
  void writesDuringARebuildWinOverTheListing() {
    Cid removed = Cids.random();
    Cid pinned = Cids.random();
    Cid untouched = Cids.random();
    store.putPinned(known(removed, true));
    store.putPinned(known(untouched, true));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      store.removePinned(removed);
      store.putPinned(new KnownPin(pinned, PinMode.RECURSIVE, true));
      assertThat(store.get(pinned).pinned()).isPresent();
      rebuild.add(removed, PinMode.RECURSIVE); // listed before the unpin: stale
      rebuild.add(pinned, PinMode.DIRECT); // listed before the pin finished: stale
      assertThat(rebuild.has(removed)).isTrue();
      assertThat(drain(rebuild.lost())).extracting(KnownPin::cid).containsExactly(untouched);
      rebuild.commit();
    }
    assertThat(store.get(removed).pinned()).isEmpty();
    assertThat(store.get(pinned).pinned()).contains(new KnownPin(pinned, PinMode.RECURSIVE, true));
    assertThat(store.get(untouched).pinned()).isEmpty();
  }

  @Test
  void manyPinsWrittenAtOnceAreEachStoredAndWinOverARebuildsListing() {
    List<Cid> cids = Cids.random(300); // several on the same stripe
    List<KnownPin> pins = cids.stream().map(c -> new KnownPin(c, PinMode.RECURSIVE, true)).toList();
    Cid untouched = Cids.random();
    store.putPinned(known(untouched, true));
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      store.putPinnedAll(pins);
      rebuild.add(cids.get(0), PinMode.DIRECT); // listed before the pin finished: stale
      assertThat(drain(rebuild.lost())).extracting(KnownPin::cid).containsExactly(untouched);
      rebuild.commit();
    }
    assertThat(store.getAll(cids))
        .extracting(e -> e.pinned().orElseThrow())
        .containsExactlyElementsOf(pins);
    store.putPinnedAll(List.of()); // nothing to write is fine
  }

  @Test
  void onlyOneRebuildAtATime() {
    try (TrackerStore.Rebuild rebuild = store.beginRebuild()) {
      assertThatThrownBy(store::beginRebuild).isInstanceOf(IllegalStateException.class);
      rebuild.commit();
      assertThatThrownBy(() -> rebuild.add(Cids.random(), PinMode.RECURSIVE))
          .isInstanceOf(IllegalStateException.class);
    }
    store.beginRebuild().close();
  }

  @Test
  void aClosedStoreRefusesCalls() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.get(Cids.random())).isInstanceOf(ClusterException.class);
    assertThatThrownBy(() -> store.getAll(List.of(Cids.random())))
        .isInstanceOf(ClusterException.class);
    assertThatThrownBy(() -> store.putPinned(known(Cids.random(), true)))
        .isInstanceOf(ClusterException.class);
  }
}

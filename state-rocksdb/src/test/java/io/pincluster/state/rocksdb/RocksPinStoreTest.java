package io.pincluster.state.rocksdb;

import static io.pincluster.state.rocksdb.TestPins.cid;
import static io.pincluster.state.rocksdb.TestPins.peer;
import static io.pincluster.state.rocksdb.TestPins.peerId;
import static io.pincluster.state.rocksdb.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView.PinStateListener;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.OpResult.Status;
import io.pincluster.state.rocksdb.StateOp.PutPeer;
import io.pincluster.state.rocksdb.StateOp.PutPin;
import io.pincluster.state.rocksdb.StateOp.RemovePeer;
import io.pincluster.state.rocksdb.StateOp.RemovePin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksPinStoreTest {
  @TempDir Path tmp;
  RocksPinStore store;
  long nextIndex = 1;

  @BeforeEach
  void open() {
    store = RocksPinStore.open(tmp.resolve("db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  List<OpResult> apply(StateOp... ops) {
    return store.apply(1, nextIndex++, Arrays.asList(ops));
  }

  static List<Pin> drain(CloseableIterator<Pin> it) {
    try (it) {
      List<Pin> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }
  }

  @Test
  void putGetAndRemoveAPin() {
    assertThat(store.get(cid(1))).isEmpty();

    assertThat(apply(new PutPin(pin(1)))).containsExactly(OpResult.ok());
    assertThat(store.get(cid(1))).contains(pin(1));

    List<OpResult> removed = apply(new RemovePin(cid(1)));
    assertThat(removed).extracting(OpResult::status).containsExactly(Status.OK);
    assertThat(removed.get(0).pin()).isEqualTo(pin(1));
    assertThat(store.get(cid(1))).isEmpty();
  }

  @Test
  void replacingAPinReportsThePreviousOne() {
    apply(new PutPin(pin(1, "old")));

    List<OpResult> r = apply(new PutPin(pin(1, "new")));

    assertThat(r.get(0).pin()).isEqualTo(pin(1, "old"));
    assertThat(store.get(cid(1))).contains(pin(1, "new"));
    assertThat(store.estimatedCount()).isEqualTo(1);
  }

  @Test
  void aReplacementAppliesOnlyOverThePinItWasComputedFrom() {
    apply(new PutPin(pin(1, "old")));

    assertThat(apply(new StateOp.ReplacePin(pin(1, "stale"), pin(1, "moved"))))
        .containsExactly(OpResult.notFound());
    assertThat(store.get(cid(1))).contains(pin(1, "old"));
    assertThat(apply(new StateOp.ReplacePin(pin(1, "old"), pin(1, "moved"))))
        .extracting(OpResult::status)
        .containsExactly(Status.OK);
    assertThat(store.get(cid(1))).contains(pin(1, "moved"));

    apply(new RemovePin(cid(1)));
    assertThat(apply(new StateOp.ReplacePin(pin(1, "moved"), pin(1, "back"))))
        .containsExactly(OpResult.notFound());
    assertThat(store.get(cid(1))).isEmpty();
  }

  @Test
  void removingAnAbsentCidIsNotFoundAndChangesNothing() {
    apply(new PutPin(pin(1)));

    assertThat(apply(new RemovePin(cid(2)))).containsExactly(OpResult.notFound());

    assertThat(store.estimatedCount()).isEqualTo(1);
    assertThat(store.appliedIndex()).isEqualTo(2);
  }

  @Test
  void laterOpsInABatchSeeEarlierOnes() {
    List<OpResult> r =
        apply(
            new PutPin(pin(1, "a")),
            new PutPin(pin(1, "b")),
            new RemovePin(cid(1)),
            new RemovePin(cid(1)),
            new PutPin(pin(2)));

    assertThat(r)
        .extracting(OpResult::status)
        .containsExactly(Status.OK, Status.OK, Status.OK, Status.NOT_FOUND, Status.OK);
    assertThat(r.get(1).pin()).isEqualTo(pin(1, "a"));
    assertThat(r.get(2).pin()).isEqualTo(pin(1, "b"));
    assertThat(store.get(cid(1))).isEmpty();
    assertThat(store.estimatedCount()).isEqualTo(1);
  }

  @Test
  void badOperationsAreReportedNotThrownAndTheRestIsApplied() {
    List<StateOp> ops = new ArrayList<>();
    ops.add(null);
    ops.add(new PutPin(pin(1)));
    ops.add(new PutPeer(new PeerRecord(null, "x", null, null, null, "", List.of())));

    List<OpResult> r = store.apply(1, 1, ops);

    assertThat(r)
        .extracting(OpResult::status)
        .containsExactly(Status.INVALID, Status.OK, Status.INVALID);
    assertThat(r.get(0).error()).contains("null");
    assertThat(store.get(cid(1))).contains(pin(1));
    assertThat(store.apply(1, 2, null)).isEmpty();
    assertThat(store.appliedIndex()).isEqualTo(2);
  }

  @Test
  void aBatchAtOrBelowTheAppliedIndexIsSkipped() {
    store.apply(2, 10, List.of(new PutPin(pin(1))));

    List<OpResult> again = store.apply(2, 10, List.of(new RemovePin(cid(1))));
    List<OpResult> older = store.apply(1, 5, List.of(new PutPin(pin(2)), new PutPin(pin(3))));

    assertThat(again).containsExactly(OpResult.skipped());
    assertThat(older).containsExactly(OpResult.skipped(), OpResult.skipped());
    assertThat(store.get(cid(1))).contains(pin(1));
    assertThat(store.get(cid(2))).isEmpty();
    assertThat(store.applied()).isEqualTo(new LogPosition(2, 10));
  }

  @Test
  void anEmptyStoreHasAppliedNothing() {
    assertThat(store.applied()).isEqualTo(LogPosition.NONE);
    assertThat(store.appliedIndex()).isEqualTo(-1);
    assertThat(store.estimatedCount()).isZero();
    assertThat(drain(store.list())).isEmpty();
  }

  @Test
  void listStreamsPinsInCidByteOrderAndListFromResumesAfterACid() {
    List<Pin> pins = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      pins.add(pin(i));
    }
    List<StateOp> ops = new ArrayList<>();
    pins.forEach(p -> ops.add(new PutPin(p)));
    store.apply(1, 1, ops);
    List<Pin> sorted = new ArrayList<>(pins);
    sorted.sort((a, b) -> a.cid().compareTo(b.cid()));

    assertThat(drain(store.list())).containsExactlyElementsOf(sorted);
    assertThat(drain(store.listFrom(sorted.get(9).cid())))
        .containsExactlyElementsOf(sorted.subList(10, 50));
    assertThat(drain(store.listFrom(cid(1000))))
        .allSatisfy(p -> assertThat(p.cid()).isGreaterThan(cid(1000)));
    assertThat(drain(store.listFrom(sorted.get(49).cid()))).isEmpty();
  }

  @Test
  void aListingReadsOneSnapshotAndDoesNotSeeLaterWrites() {
    apply(new PutPin(pin(1)), new PutPin(pin(2)));
    try (CloseableIterator<Pin> it = store.list()) {
      apply(new RemovePin(cid(1)), new RemovePin(cid(2)), new PutPin(pin(3)));

      List<Pin> seen = new ArrayList<>();
      it.forEachRemaining(seen::add);

      assertThat(seen).containsExactlyInAnyOrder(pin(1), pin(2));
    }
    assertThat(drain(store.list())).containsExactly(pin(3));
  }

  @Test
  void streamsOneHundredThousandPinsInOrderFromASnapshot() {
    int total = 100_000;
    for (int batch = 0; batch < total / 1000; batch++) {
      List<StateOp> ops = new ArrayList<>(1000);
      for (int i = batch * 1000; i < (batch + 1) * 1000; i++) {
        ops.add(new PutPin(pin(i)));
      }
      store.apply(1, batch + 1, ops);
    }
    assertThat(store.estimatedCount()).isEqualTo(total);
    assertThat(store.rocksEstimatedKeys()).isPositive();

    long count = 0;
    Cid last = null;
    try (CloseableIterator<Pin> it = store.list()) {
      store.apply(1, 1000, List.of(new RemovePin(cid(0)), new PutPin(pin(total))));
      while (it.hasNext()) {
        Cid c = it.next().cid();
        if (last != null) {
          assertThat(c).isGreaterThan(last);
        }
        last = c;
        count++;
      }
    }
    assertThat(count).isEqualTo(total);
    assertThat(store.estimatedCount()).isEqualTo(total);
  }

  @Test
  void listenersGetChangesInApplyOrderOnTheNotifierThread() {
    List<String> events = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    store.addListener(
        new PinStateListener() {
          @Override
          public void pinned(Pin pin, Pin previous) {
            threads.add(Thread.currentThread().getName());
            events.add("pin " + pin.name() + (previous == null ? "" : " was " + previous.name()));
          }

          @Override
          public void unpinned(Pin pin) {
            threads.add(Thread.currentThread().getName());
            events.add("unpin " + pin.name());
          }
        });

    apply(new PutPin(pin(1, "a")), new PutPin(pin(2, "b")));
    apply(new PutPin(pin(1, "c")), new RemovePin(cid(2)), new RemovePin(cid(3)));
    store.apply(1, 1, List.of(new RemovePin(cid(1)))); // replay: skipped, no event

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(events).containsExactly("pin a", "pin b", "pin c was a", "unpin b"));
    assertThat(threads).containsOnly("pinstate-notifier");
  }

  @Test
  void aFailingListenerDoesNotStopOthers() {
    List<Pin> seen = new CopyOnWriteArrayList<>();
    store.addListener(
        listener(
            p -> {
              throw new IllegalStateException("boom");
            }));
    store.addListener(listener(seen::add));

    apply(new PutPin(pin(1)));
    apply(new PutPin(pin(2)));

    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
  }

  @Test
  void aFullListenerQueueMakesApplyWait() throws Exception {
    store.close();
    store = RocksPinStore.open(tmp.resolve("db"), 2);
    CountDownLatch release = new CountDownLatch(1);
    store.addListener(
        listener(
            p -> {
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }));
    List<StateOp> five = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      five.add(new PutPin(pin(i)));
    }

    CompletableFuture<List<OpResult>> applying =
        CompletableFuture.supplyAsync(() -> store.apply(1, 1, five));

    // The batch is written before listeners are told, but apply cannot return yet.
    await().atMost(Duration.ofSeconds(5)).until(() -> store.appliedIndex() == 1);
    assertThat(applying).isNotDone();
    release.countDown();
    assertThat(applying.get(5, TimeUnit.SECONDS)).hasSize(5);
  }

  @Test
  void closingUnblocksAnApplyWaitingOnListeners() throws Exception {
    store.close();
    store = RocksPinStore.open(tmp.resolve("db"), 1);
    CountDownLatch never = new CountDownLatch(1);
    store.addListener(
        listener(
            p -> {
              try {
                never.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }));
    List<StateOp> ops = List.of(new PutPin(pin(1)), new PutPin(pin(2)), new PutPin(pin(3)));
    CompletableFuture<List<OpResult>> applying =
        CompletableFuture.supplyAsync(() -> store.apply(1, 1, ops));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.appliedIndex() == 1);

    store.close();

    assertThat(applying.get(10, TimeUnit.SECONDS)).hasSize(3);
  }

  @Test
  void reopeningKeepsPinsPeersCountAndAppliedPosition() {
    PeerId id = peerId();
    store.apply(3, 7, List.of(new PutPin(pin(1)), new PutPin(pin(2)), new PutPeer(peer(id))));
    store.apply(3, 8, List.of(new RemovePin(cid(1))));
    store.close();

    store = RocksPinStore.open(tmp.resolve("db"));

    assertThat(store.applied()).isEqualTo(new LogPosition(3, 8));
    assertThat(store.get(cid(2))).contains(pin(2));
    assertThat(store.get(cid(1))).isEmpty();
    assertThat(store.peer(id)).contains(peer(id));
    assertThat(store.estimatedCount()).isEqualTo(1);
    assertThat(store.apply(3, 8, List.of(new PutPin(pin(1))))).containsExactly(OpResult.skipped());
  }

  @Test
  void peersAreStoredOrderedByIdAndRemovable() {
    List<PeerId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(peerId());
    }
    List<StateOp> ops = new ArrayList<>();
    ids.forEach(id -> ops.add(new PutPeer(peer(id))));
    apply(ops.toArray(StateOp[]::new));
    Collections.sort(ids);

    assertThat(store.peers()).extracting(PeerRecord::id).containsExactlyElementsOf(ids);
    assertThat(apply(new RemovePeer(ids.get(0)), new RemovePeer(ids.get(0))))
        .containsExactly(OpResult.ok(), OpResult.notFound());
    assertThat(store.peer(ids.get(0))).isEmpty();
    assertThat(store.peers()).hasSize(4);
  }

  @Test
  void aCheckpointOpensAsAStoreWithTheSameState() {
    apply(new PutPin(pin(1)), new PutPin(pin(2)));
    Path copy = tmp.resolve("checkpoint");

    store.checkpoint(copy);
    apply(new PutPin(pin(3)));

    try (RocksPinStore restored = RocksPinStore.open(copy)) {
      assertThat(restored.applied()).isEqualTo(new LogPosition(1, 1));
      assertThat(drain(restored.list())).containsExactlyInAnyOrder(pin(1), pin(2));
    }
  }

  @Test
  void closeIsIdempotentEndsOpenIteratorsAndLaterCallsFail() {
    apply(new PutPin(pin(1)), new PutPin(pin(2)));
    CloseableIterator<Pin> it = store.list();

    store.close();
    store.close();

    assertThat(it.hasNext()).isFalse();
    it.close();
    assertThatThrownBy(() -> store.get(cid(1)))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> apply(new PutPin(pin(3)))).isInstanceOf(StateStoreException.class);
  }

  @Test
  void countTracksAdditionsReplacementsAndRemovals() {
    AtomicLong expected = new AtomicLong();
    for (int i = 0; i < 20; i++) {
      apply(new PutPin(pin(i)), new PutPin(pin(i, "again")));
      expected.incrementAndGet();
      if (i % 3 == 0) {
        apply(new RemovePin(cid(i)), new RemovePin(cid(i)));
        expected.decrementAndGet();
      }
    }
    assertThat(store.estimatedCount()).isEqualTo(expected.get());
    assertThat(drain(store.list())).hasSize((int) expected.get());
  }

  interface PinConsumer {
    void accept(Pin p);
  }

  static PinStateListener listener(PinConsumer onPinned) {
    return new PinStateListener() {
      @Override
      public void pinned(Pin pin, Pin previous) {
        onPinned.accept(pin);
      }

      @Override
      public void unpinned(Pin pin) {}
    };
  }
}

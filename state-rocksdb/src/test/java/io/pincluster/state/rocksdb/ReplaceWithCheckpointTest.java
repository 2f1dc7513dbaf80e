package io.pincluster.state.rocksdb;

import static io.pincluster.state.rocksdb.TestPins.cid;
import static io.pincluster.state.rocksdb.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView.PinStateListener;
import io.pincluster.core.api.Pin;
import io.pincluster.state.rocksdb.StateOp.PutPin;
import io.pincluster.state.rocksdb.StateOp.RemovePin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RocksPinStore#replaceWith}, {@link RocksPinStore#load} and markApplied. */
class ReplaceWithCheckpointTest {
  @TempDir Path tmp;
  RocksPinStore store;

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  static List<Pin> drain(CloseableIterator<Pin> it) {
    try (it) {
      List<Pin> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }
  }

  /** A checkpoint holding pins 1..3 (pin 2 renamed) at applied (2, 10). */
  Path checkpointOfAnotherState() {
    Path other = tmp.resolve("other");
    try (RocksPinStore s = RocksPinStore.open(other)) {
      s.apply(
          2, 10, List.of(new PutPin(pin(1)), new PutPin(pin(2, "renamed")), new PutPin(pin(3))));
      Path cp = tmp.resolve("cp");
      s.checkpoint(cp);
      return cp;
    }
  }

  @Test
  void replacingByACheckpointSwapsStateAndTellsListenersEveryDifference() throws Exception {
    Path cp = checkpointOfAnotherState();
    store = RocksPinStore.open(tmp.resolve("db"));
    store.apply(1, 1, List.of(new PutPin(pin(0)), new PutPin(pin(1)), new PutPin(pin(2))));
    List<String> events = new CopyOnWriteArrayList<>();
    store.addListener(
        new PinStateListener() {
          @Override
          public void pinned(Pin pin, Pin previous) {
            events.add(
                "pinned " + pin.name() + (previous == null ? "" : " was " + previous.name()));
          }

          @Override
          public void unpinned(Pin pin) {
            events.add("unpinned " + pin.name());
          }
        });

    store.replaceWith(cp);

    assertThat(store.applied()).isEqualTo(new LogPosition(2, 10));
    assertThat(store.estimatedCount()).isEqualTo(3);
    assertThat(drain(store.list())).containsExactlyInAnyOrder(pin(1), pin(2, "renamed"), pin(3));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(events)
                    .containsExactlyInAnyOrder(
                        "unpinned pin-0", "pinned renamed was pin-2", "pinned pin-3"));
    assertThat(Files.exists(tmp.resolve("db.old"))).isFalse();
    assertThat(Files.exists(tmp.resolve("db.incoming"))).isFalse();
    // the checkpoint is untouched and the new state is writable
    store.apply(2, 11, List.of(new RemovePin(cid(1))));
    try (RocksPinStore again = RocksPinStore.open(tmp.resolve("again-from-cp"))) {
      again.replaceWith(cp);
      assertThat(again.estimatedCount()).isEqualTo(3);
    }
  }

  @Test
  void anIteratorOpenDuringAReplacementFailsInsteadOfEndingEarly() {
    Path cp = checkpointOfAnotherState();
    store = RocksPinStore.open(tmp.resolve("db"));
    store.apply(1, 1, List.of(new PutPin(pin(5)), new PutPin(pin(6))));
    CloseableIterator<Pin> it = store.list();
    it.next();

    store.replaceWith(cp);

    assertThatThrownBy(it::hasNext)
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("replaced by a snapshot install");
    it.close();
  }

  @Test
  void leftoversOfAnInterruptedReplacementAreDeletedOnOpen() throws Exception {
    Files.createDirectories(tmp.resolve("db.incoming"));
    Files.createDirectories(tmp.resolve("db.old"));
    Files.writeString(tmp.resolve("db.old").resolve("000001.sst"), "stale");

    store = RocksPinStore.open(tmp.resolve("db"));

    assertThat(Files.exists(tmp.resolve("db.incoming"))).isFalse();
    assertThat(Files.exists(tmp.resolve("db.old"))).isFalse();
  }

  @Test
  void loadWritesWithoutMovingTheAppliedPositionAndMarkAppliedOnlyMovesForward() {
    store = RocksPinStore.open(tmp.resolve("db"));

    List<OpResult> results = store.load(List.of(new PutPin(pin(1)), new PutPin(pin(2))));

    assertThat(results).extracting(OpResult::status).containsOnly(OpResult.Status.OK);
    assertThat(store.applied()).isEqualTo(LogPosition.NONE);
    assertThat(store.estimatedCount()).isEqualTo(2);
    assertThat(store.markApplied(1, 5)).isTrue();
    assertThat(store.markApplied(1, 4)).isFalse();
    assertThat(store.applied()).isEqualTo(new LogPosition(1, 5));
    assertThat(store.apply(1, 5, List.of(new PutPin(pin(3)))))
        .extracting(OpResult::status)
        .containsOnly(OpResult.Status.SKIPPED);
  }
}

package io.pincluster.state.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.pintracker.IpfsSyncReport;
import io.pincluster.pintracker.MapPinTracker;
import io.pincluster.pintracker.TestIpfs;
import io.pincluster.testing.Cids;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pin tracker as the daemon wires it: the RocksDB pinset and the RocksDB tracker store. */
class TrackerOnRocksDbTest {
  static final PeerId SELF = TestPins.peerId();
  static final PeerId OTHER = TestPins.peerId();
  static final int N = 3000;

  @TempDir Path tmp;
  final TestIpfs ipfs = new TestIpfs();
  RocksPinStore pinset;
  RocksTrackerStore store;
  MapPinTracker tracker;

  @AfterEach
  void close() {
    if (tracker != null) {
      tracker.close();
    }
    if (store != null) {
      store.close();
    }
    if (pinset != null) {
      pinset.close();
    }
  }

  MapPinTracker startTracker() {
    store = RocksTrackerStore.open(tmp.resolve("tracker"));
    tracker =
        new MapPinTracker(
            SELF,
            "self",
            new MapTrackerSection(10, 4, Duration.ofHours(24), 5),
            ClusterSection.defaults("self", "cd".repeat(32)),
            Duration.ofSeconds(10),
            pinset,
            ipfs,
            store,
            InstantSource.system());
    tracker.start();
    tracker.startLoops();
    return tracker;
  }

  Map<TrackerStatus, Integer> statusCounts() {
    Map<TrackerStatus, Integer> counts = new EnumMap<>(TrackerStatus.class);
    try (CloseableIterator<PinInfo> it = tracker.statusAll()) {
      it.forEachRemaining(i -> counts.merge(i.status(), 1, Integer::sum));
    }
    return counts;
  }

  @Test
  void aPeerCatchingUpOnThousandsOfPinsThroughATinyQueuePinsThemAllAndRemembersAcrossRestarts() {
    pinset = RocksPinStore.open(tmp.resolve("db"));
    List<StateOp> ops = new ArrayList<>();
    List<Cid> mine = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      PeerId peer = i % 4 == 0 ? OTHER : SELF;
      Pin pin = Pin.of(Cids.random(), PinOptions.DEFAULT).withAllocations(List.of(peer));
      ops.add(new StateOp.PutPin(pin));
      if (peer.equals(SELF)) {
        mine.add(pin.cid());
      }
    }
    pinset.apply(1, 1, ops);

    startTracker(); // its first state sync finds them all
    await().atMost(Duration.ofSeconds(60)).until(() -> ipfs.pinCount() == mine.size());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                statusCounts()
                    .equals(
                        Map.of(TrackerStatus.PINNED, mine.size(), TrackerStatus.REMOTE, N / 4)));

    List<Cid> lost = mine.subList(0, 7);
    lost.forEach(ipfs::removePin);
    IpfsSyncReport report = tracker.runIpfsSync();
    assertThat(report.completed()).isTrue();
    assertThat(report.markedMissing()).isEqualTo(7);
    assertThat(statusCounts()).containsEntry(TrackerStatus.UNEXPECTEDLY_UNPINNED, 7);

    tracker.close();
    store.close();
    startTracker(); // a restart remembers what was missing, and its first recover fixes it
    await().atMost(Duration.ofSeconds(20)).until(() -> lost.stream().allMatch(ipfs::isPinned));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> statusCounts().get(TrackerStatus.PINNED) == mine.size());
  }
}

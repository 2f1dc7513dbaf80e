package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;

/** A tracker on a fake IPFS, an in-memory pinset and store; loops run only when a test asks. */
abstract class TrackerTestBase {
  static final PeerId SELF = Identity.generate().id();
  static final PeerId OTHER = Identity.generate().id();
  static final Duration NEVER = Duration.ofHours(1);

  final InMemoryPinState state = new InMemoryPinState();
  final TestIpfs ipfs = new TestIpfs();
  final InMemoryTrackerStore store = new InMemoryTrackerStore();
  final InstantSource clock = InstantSource.system();
  MapPinTracker tracker;

  /** A started tracker with this queue size and number of pin workers. */
  MapPinTracker start(int queueSize, int workers) {
    tracker = create(queueSize, workers);
    tracker.start();
    return tracker;
  }

  MapPinTracker create(int queueSize, int workers) {
    return create(queueSize, workers, Duration.ofSeconds(10), store);
  }

  /** A tracker (not started) with this pin timeout over {@code trackerStore}. */
  MapPinTracker create(int queueSize, int workers, Duration opTimeout, TrackerStore trackerStore) {
    return new MapPinTracker(
        SELF,
        "self",
        new MapTrackerSection(queueSize, workers, Duration.ofHours(24), 5),
        NEVER,
        NEVER,
        NEVER,
        opTimeout,
        state,
        ipfs,
        trackerStore,
        clock,
        false);
  }

  @AfterEach
  void closeTracker() {
    ipfs.releaseAll();
    if (tracker != null) {
      tracker.close();
    }
    store.close();
  }

  static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5));
  }

  /** A new pin (young: it goes to the priority queue) allocated to {@code peers} (none = all). */
  Pin pin(PeerId... peers) {
    return pin(Cids.random(), peers);
  }

  Pin pin(Cid cid, PeerId... peers) {
    return Pin.of(cid, PinOptions.DEFAULT)
        .withAllocations(List.of(peers))
        .withTimestamp(clock.instant());
  }

  /** A pin submitted long ago (it goes to the normal queue). */
  Pin oldPin(PeerId... peers) {
    return pin(peers).withTimestamp(Instant.parse("2020-01-01T00:00:00Z"));
  }

  /** The pin is committed: in the pinset and handed to the tracker. */
  Pin commit(Pin pin) {
    state.put(pin);
    tracker.track(pin);
    return pin;
  }

  /** The pin is removed from the pinset and the tracker told. */
  void remove(Pin pin) {
    state.remove(pin.cid());
    tracker.untrack(pin);
  }

  TrackerStatus status(Cid cid) {
    return tracker.status(cid).status();
  }

  void awaitStatus(Cid cid, TrackerStatus expected) {
    eventually().until(() -> status(cid) == expected);
  }

  List<PinInfo> statusAll() {
    List<PinInfo> out = new ArrayList<>();
    try (CloseableIterator<PinInfo> it = tracker.statusAll()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  List<Failure> failures() {
    List<Failure> out = new ArrayList<>();
    try (CloseableIterator<Failure> it = store.failures(null)) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  /**
   * Waits for the feeders to finish their passes and every queued op to settle; then checks that
   * the tracker's status counts agree (no op counted, failures counted as the store holds them).
   */
  void awaitQuiet() {
    eventually().until(() -> tracker.feedersIdle() && tracker.operationCount() == 0);
    for (TrackerStatus s :
        List.of(
            TrackerStatus.PIN_QUEUED,
            TrackerStatus.PINNING,
            TrackerStatus.UNPIN_QUEUED,
            TrackerStatus.UNPINNING)) {
      assertThat(tracker.statusCount(s)).as(s.wire()).isZero();
    }
    for (Failure.Kind k : Failure.Kind.values()) {
      long stored = failures().stream().filter(f -> f.kind() == k).count();
      assertThat(tracker.statusCount(k.status())).as(k.status().wire()).isEqualTo(stored);
    }
  }
}

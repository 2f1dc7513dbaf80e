package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.MapTrackerSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeIpfsConnector;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MapPinTrackerTest {
  static final PeerId SELF = Identity.generate().id();
  static final PeerId OTHER = Identity.generate().id();

  final InMemoryPinState state = new InMemoryPinState();
  final FakeIpfsConnector ipfs = new FakeIpfsConnector();
  MapPinTracker tracker = tracker(new MapTrackerSection(1000, 4, Duration.ofHours(24), 5));

  MapPinTracker tracker(MapTrackerSection config) {
    return new MapPinTracker(SELF, "self", config, state, ipfs, InstantSource.system());
  }

  @AfterEach
  void close() {
    ipfs.releaseAll();
    tracker.close();
  }

  static Pin pin(Cid cid, PeerId... allocations) {
    return Pin.of(cid, PinOptions.DEFAULT).withAllocations(List.of(allocations));
  }

  Pin commit(Pin pin) {
    state.put(pin);
    tracker.track(pin);
    return pin;
  }

  @Test
  void aPinAllocatedHereIsPinnedInIpfsAndReportedPinned() {
    tracker.start();
    Cid cid = commit(pin(Cids.random(), SELF, OTHER)).cid();
    await().atMost(Duration.ofSeconds(10)).until(() -> ipfs.isPinned(cid));
    await().until(() -> tracker.status(cid).status() == TrackerStatus.PINNED);
    assertThat(tracker.status(cid).peer()).isEqualTo(SELF);
    assertThat(tracker.status(cid).peername()).isEqualTo("self");
  }

  @Test
  void everywherePinsArePinnedOnEveryPeer() {
    tracker.start();
    Cid cid = commit(pin(Cids.random())).cid();
    await().atMost(Duration.ofSeconds(10)).until(() -> ipfs.isPinned(cid));
  }

  @Test
  void aPinAllocatedElsewhereIsRemoteAndNeverTouchesIpfs() {
    tracker.start();
    Cid cid = commit(pin(Cids.random(), OTHER)).cid();
    assertThat(tracker.status(cid).status()).isEqualTo(TrackerStatus.REMOTE);
    assertThat(tracker.operationCount()).isZero();
    assertThat(ipfs.calls(FakeIpfsConnector.Op.PIN)).isZero();
  }

  @Test
  void untrackUnpinsAndTheCidThenShowsUnpinned() {
    tracker.start();
    Pin p = commit(pin(Cids.random(), SELF));
    await().atMost(Duration.ofSeconds(10)).until(() -> ipfs.isPinned(p.cid()));
    state.remove(p.cid());
    tracker.untrack(p);
    await().atMost(Duration.ofSeconds(10)).until(() -> !ipfs.isPinned(p.cid()));
    await().until(() -> tracker.status(p.cid()).status() == TrackerStatus.UNPINNED);
  }

  @Test
  void anIpfsFailureShowsAsPinErrorWithItsMessageAndAttemptCount() {
    ipfs.failPins(true).failureMessage("disk on fire");
    tracker.start();
    Cid cid = commit(pin(Cids.random(), SELF)).cid();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tracker.status(cid).status() == TrackerStatus.PIN_ERROR);
    assertThat(tracker.status(cid).error()).contains("disk on fire");
    assertThat(tracker.status(cid).attemptCount()).isEqualTo(1);
    // committing it again retries it
    ipfs.failPins(false);
    tracker.track(state.get(cid).orElseThrow());
    await().atMost(Duration.ofSeconds(10)).until(() -> ipfs.isPinned(cid));
  }

  @Test
  void aPinInProgressShowsPinningAndAFullQueueShowsAnError() {
    tracker.close();
    tracker = tracker(new MapTrackerSection(1, 1, Duration.ofHours(24), 5));
    tracker.start();
    Cid slow = Cids.random();
    ipfs.blockPin(slow);
    commit(pin(slow, SELF));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> tracker.status(slow).status() == TrackerStatus.PINNING);
    Cid queued = commit(pin(Cids.random(), SELF)).cid();
    assertThat(tracker.status(queued).status()).isEqualTo(TrackerStatus.PIN_QUEUED);
    Cid overflow = commit(pin(Cids.random(), SELF)).cid();
    assertThat(tracker.status(overflow).status()).isEqualTo(TrackerStatus.PIN_ERROR);
    assertThat(tracker.status(overflow).error()).isEqualTo(MapPinTracker.QUEUE_FULL);
    ipfs.releasePin(slow);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ipfs.isPinned(slow) && ipfs.isPinned(queued));
  }

  @Test
  void aPinMissingFromIpfsIsUnexpectedlyUnpinned() {
    Pin p = pin(Cids.random(), SELF);
    state.put(p);
    assertThat(tracker.status(p.cid()).status()).isEqualTo(TrackerStatus.UNEXPECTEDLY_UNPINNED);
    assertThat(tracker.status(p.cid()).error()).isEqualTo(MapPinTracker.NOT_PINNED);
  }

  @Test
  void unreachableIpfsMakesTheStatusAClusterError() {
    Pin p = pin(Cids.random(), SELF);
    state.put(p);
    ipfs.setUnreachable(true);
    assertThat(tracker.status(p.cid()).status()).isEqualTo(TrackerStatus.CLUSTER_ERROR);
    assertThat(tracker.status(p.cid()).error()).isNotEmpty();
  }

  @Test
  void startPinsWhatThePinsetAlreadyAllocatesHere() {
    Pin mine = pin(Cids.random(), SELF);
    Pin theirs = pin(Cids.random(), OTHER);
    state.put(mine);
    state.put(theirs);
    ipfs.putPin(Cids.V0_1, PinMode.RECURSIVE);
    tracker.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> ipfs.isPinned(mine.cid()));
    assertThat(ipfs.isPinned(theirs.cid())).isFalse();
  }

  @Test
  void statusAllStreamsEveryPinInOrder() {
    tracker.start();
    Pin a = commit(pin(Cids.random(), SELF));
    Pin b = commit(pin(Cids.random(), OTHER));
    await().atMost(Duration.ofSeconds(10)).until(() -> ipfs.isPinned(a.cid()));
    try (var all = tracker.statusAll()) {
      List<Cid> cids = new java.util.ArrayList<>();
      all.forEachRemaining(i -> cids.add(i.cid()));
      assertThat(cids).containsExactlyElementsOf(state.all().stream().map(Pin::cid).toList());
      assertThat(cids).contains(a.cid(), b.cid());
    }
  }
}

package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state sync, IPFS sync and recover loops, and their one-CID forms. */
class ReconciliationTest extends TrackerTestBase {

  List<Pin> pinnedHere(int n) {
    List<Pin> pins = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pins.add(commit(pin(SELF)));
    }
    eventually().until(() -> ipfs.pinCount() == n);
    awaitQuiet();
    return pins;
  }

  static List<PinInfo> drain(CloseableIterator<PinInfo> it) {
    List<PinInfo> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void aFailedPinIsRecoveredOnceIpfsWorksAgain() {
    ipfs.failPins("cannot reach IPFS at 127.0.0.1:5001: connection refused");
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PIN_ERROR);
    assertThat(tracker.status(p.cid()).error()).contains("connection refused");
    assertThat(tracker.status(p.cid()).attemptCount()).isEqualTo(1);

    ipfs.failPins(null);
    PinInfo recovered = tracker.recover(p.cid());
    assertThat(recovered.status()).isEqualTo(TrackerStatus.PINNED);
    assertThat(ipfs.isPinned(p.cid())).isTrue();
  }

  @Test
  void recoverLeavesOtherStatusesAlone() {
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    int pins = ipfs.calls(TestIpfs.Call.PIN);
    assertThat(tracker.recover(p.cid()).status()).isEqualTo(TrackerStatus.PINNED);
    assertThat(tracker.recover(Cids.random()).status()).isEqualTo(TrackerStatus.UNPINNED);
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isEqualTo(pins);
  }

  @Test
  void aPinRemovedBehindTheClustersBackIsFoundByTheIpfsSyncAndRestoredByRecover() {
    start(100, 2);
    List<Pin> pins = pinnedHere(5);
    Cid lost = pins.get(2).cid();
    ipfs.removePin(lost);

    IpfsSyncReport report = tracker.runIpfsSync();
    assertThat(report.completed()).isTrue();
    assertThat(report.listed()).isEqualTo(4);
    assertThat(report.markedMissing()).isEqualTo(1);
    PinInfo missing =
        statusAll().stream().filter(i -> i.cid().equals(lost)).findFirst().orElseThrow();
    assertThat(missing.status()).isEqualTo(TrackerStatus.UNEXPECTEDLY_UNPINNED);
    assertThat(missing.error()).isEqualTo(MapPinTracker.NOT_PINNED);

    assertThat(tracker.runRecover()).isEqualTo(1);
    eventually().until(() -> ipfs.isPinned(lost));
    awaitStatus(lost, TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
  }

  /** IPFS Cluster #1733: IPFS going away mid pin/ls made every pin look missing. */
  @Test
  void ipfsFailingMidListingChangesNothing() {
    start(100, 2);
    List<Pin> pins = pinnedHere(20);
    for (int i = 0; i < 5; i++) {
      ipfs.removePin(pins.get(i).cid());
    }
    ipfs.failPinLsAfter(3);
    IpfsSyncReport report = tracker.runIpfsSync();
    assertThat(report.completed()).isFalse();
    assertThat(report.error()).contains("connection reset");
    assertThat(statusAll()).extracting(PinInfo::status).containsOnly(TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
    assertThat(tracker.operationCount()).isZero();

    ipfs.failPinLsAfter(-1).unreachable(true);
    assertThat(tracker.runIpfsSync().completed()).isFalse();
    assertThat(statusAll()).extracting(PinInfo::status).containsOnly(TrackerStatus.PINNED);

    ipfs.unreachable(false);
    assertThat(tracker.runIpfsSync().markedMissing()).isEqualTo(5);
  }

  @Test
  void aUsersOwnIpfsPinsAreNeverUnpinned() {
    start(100, 2);
    Cid byHand = Cids.random();
    ipfs.putPin(byHand, PinMode.RECURSIVE);
    Pin elsewhere = pin(OTHER);
    ipfs.putPin(elsewhere.cid(), PinMode.RECURSIVE);
    commit(elsewhere);

    tracker.runIpfsSync();
    tracker.runStateSync();
    tracker.runRecover();
    tracker.track(elsewhere);
    tracker.untrack(pin(byHand, SELF));
    awaitQuiet();

    assertThat(ipfs.isPinned(byHand)).isTrue();
    assertThat(ipfs.isPinned(elsewhere.cid())).isTrue();
    assertThat(ipfs.calls(TestIpfs.Call.UNPIN)).isZero();
    assertThat(status(elsewhere.cid())).isEqualTo(TrackerStatus.REMOTE);
  }

  @Test
  void aPinWhoseAllocationMovedAwayIsUnpinnedHereAndRemote() {
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    commit(p.withAllocations(List.of(OTHER)));
    eventually().until(() -> !ipfs.isPinned(p.cid()));
    awaitStatus(p.cid(), TrackerStatus.REMOTE);
  }

  @Test
  void theStateSyncCatchesUpWithChangesTheTrackerMissed() {
    start(100, 2);
    List<Pin> pins = pinnedHere(3);
    Pin movedAway = pins.get(0);
    Pin removed = pins.get(1);
    state.put(movedAway.withAllocations(List.of(OTHER)));
    state.remove(removed.cid());
    Pin added = pin(SELF);
    state.put(added);
    assertThat(status(movedAway.cid())).isEqualTo(TrackerStatus.UNPIN_QUEUED);
    assertThat(status(removed.cid())).isEqualTo(TrackerStatus.UNPIN_QUEUED);

    tracker.runStateSync();
    eventually()
        .until(
            () ->
                !ipfs.isPinned(movedAway.cid())
                    && !ipfs.isPinned(removed.cid())
                    && ipfs.isPinned(added.cid()));
    awaitQuiet();
    assertThat(status(movedAway.cid())).isEqualTo(TrackerStatus.REMOTE);
    assertThat(status(removed.cid())).isEqualTo(TrackerStatus.UNPINNED);
    assertThat(status(added.cid())).isEqualTo(TrackerStatus.PINNED);
    assertThat(status(pins.get(2).cid())).isEqualTo(TrackerStatus.PINNED);
  }

  @Test
  void syncOfOneCidComparesItWithIpfsNow() {
    start(100, 2);
    Pin p = pinnedHere(1).get(0);
    ipfs.removePin(p.cid());
    assertThat(tracker.sync(p.cid()).status()).isEqualTo(TrackerStatus.UNEXPECTEDLY_UNPINNED);
    ipfs.putPin(p.cid(), PinMode.RECURSIVE);
    assertThat(tracker.sync(p.cid()).status()).isEqualTo(TrackerStatus.PINNED);
    ipfs.unreachable(true);
    assertThat(tracker.sync(p.cid()).status()).isEqualTo(TrackerStatus.CLUSTER_ERROR);
  }

  @Test
  void syncClearsAPinErrorThatIpfsNowShowsPinned() {
    ipfs.failPins("timeout");
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PIN_ERROR);
    ipfs.putPin(p.cid(), PinMode.RECURSIVE);
    assertThat(tracker.sync(p.cid()).status()).isEqualTo(TrackerStatus.PINNED);
  }

  @Test
  void syncAllStreamsWhatItClearedAndWhatIsStillInError() {
    ipfs.failPins("timeout");
    start(100, 2);
    Pin healed = commit(pin(SELF));
    Pin broken = commit(pin(SELF));
    awaitStatus(healed.cid(), TrackerStatus.PIN_ERROR);
    awaitStatus(broken.cid(), TrackerStatus.PIN_ERROR);
    ipfs.putPin(healed.cid(), PinMode.RECURSIVE);

    List<PinInfo> out = drain(tracker.syncAll());
    assertThat(out)
        .extracting(PinInfo::cid, PinInfo::status)
        .containsExactlyInAnyOrder(
            tuple(healed.cid(), TrackerStatus.PINNED),
            tuple(broken.cid(), TrackerStatus.PIN_ERROR));

    ipfs.unreachable(true);
    assertThatThrownBy(() -> tracker.syncAll())
        .isInstanceOf(IpfsException.class)
        .hasMessageContaining("nothing was changed");
  }

  @Test
  void recoverAllRequeuesEveryErrorAndStreamsItsNewStatus() {
    ipfs.failPins("timeout");
    start(100, 2);
    List<Pin> pins = List.of(commit(pin(SELF)), commit(pin(SELF)), commit(pin(SELF)));
    pins.forEach(p -> awaitStatus(p.cid(), TrackerStatus.PIN_ERROR));

    ipfs.blockPin(pins.get(0).cid()); // keeps one visibly queued or pinning
    ipfs.failPins(null);
    List<PinInfo> requeued = drain(tracker.recoverAll());
    assertThat(requeued)
        .extracting(PinInfo::cid)
        .containsExactlyInAnyOrderElementsOf(pins.stream().map(Pin::cid).toList());
    assertThat(requeued).extracting(PinInfo::status).containsOnly(TrackerStatus.PIN_QUEUED);
    assertThat(requeued).extracting(PinInfo::attemptCount).containsOnly(1);

    eventually().until(() -> ipfs.isPinned(pins.get(1).cid()) && ipfs.isPinned(pins.get(2).cid()));
    ipfs.release(pins.get(0).cid());
    awaitStatus(pins.get(0).cid(), TrackerStatus.PINNED);
    assertThat(drain(tracker.recoverAll())).isEmpty();
  }

  @Test
  void anUnpinErrorIsRecovered() {
    start(100, 2);
    Pin p = pinnedHere(1).get(0);
    ipfs.failUnpins("busy");
    remove(p);
    awaitStatus(p.cid(), TrackerStatus.UNPIN_ERROR);
    ipfs.failUnpins(null);
    assertThat(tracker.recover(p.cid()).status()).isEqualTo(TrackerStatus.UNPINNED);
    assertThat(ipfs.isPinned(p.cid())).isFalse();
  }

  @Test
  void theIpfsSyncClearsAnUnpinErrorForAPinIpfsNoLongerHas() {
    start(100, 2);
    Pin p = pinnedHere(1).get(0);
    ipfs.failUnpins("busy");
    remove(p);
    awaitStatus(p.cid(), TrackerStatus.UNPIN_ERROR);
    ipfs.removePin(p.cid());
    assertThat(tracker.runIpfsSync().cleared()).isEqualTo(1);
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.UNPINNED);
  }
}

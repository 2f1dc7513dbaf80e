package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import org.junit.jupiter.api.Test;

/** Every status a CID can have on one peer, and how it gets there. */
class TrackerStatusesTest extends TrackerTestBase {

  @Test
  void aPinAllocatedHereIsPinnedInIpfsAndReportedPinned() {
    start(100, 2);
    Pin p = commit(pin(SELF, OTHER));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    assertThat(ipfs.mode(p.cid())).contains(PinMode.RECURSIVE);
    PinInfo info = tracker.status(p.cid());
    assertThat(info.peer()).isEqualTo(SELF);
    assertThat(info.peername()).isEqualTo("self");
    assertThat(info.error()).isEmpty();
  }

  @Test
  void everywherePinsArePinnedHere() {
    start(100, 2);
    Pin p = commit(pin());
    awaitStatus(p.cid(), TrackerStatus.PINNED);
  }

  @Test
  void aPinInFlightIsPinningAndTheNextOneIsPinQueued() {
    start(100, 1);
    Pin slow = pin(SELF);
    ipfs.blockPin(slow.cid());
    commit(slow);
    eventually().until(() -> ipfs.isWaiting(slow.cid()));
    assertThat(status(slow.cid())).isEqualTo(TrackerStatus.PINNING);
    assertThat(tracker.status(slow.cid()).attemptCount()).isEqualTo(1);
    assertThat(tracker.status(slow.cid()).priorityPin()).isTrue();

    Pin next = commit(pin(SELF));
    assertThat(status(next.cid())).isEqualTo(TrackerStatus.PIN_QUEUED);

    ipfs.release(slow.cid());
    awaitStatus(slow.cid(), TrackerStatus.PINNED);
    awaitStatus(next.cid(), TrackerStatus.PINNED);
  }

  @Test
  void statusAllShowsOpsInFlightBesideIdlePinsAndIdlePinsOnceTheOpsAreDone() {
    start(100, 1);
    Pin done = commit(pin(SELF));
    awaitStatus(done.cid(), TrackerStatus.PINNED);
    Pin slow = pin(SELF);
    ipfs.blockPin(slow.cid());
    commit(slow);
    eventually().until(() -> ipfs.isWaiting(slow.cid()));
    Pin next = commit(pin(SELF));

    assertThat(statusAll())
        .extracting(PinInfo::cid, PinInfo::status)
        .containsExactlyInAnyOrder(
            tuple(done.cid(), TrackerStatus.PINNED),
            tuple(slow.cid(), TrackerStatus.PINNING),
            tuple(next.cid(), TrackerStatus.PIN_QUEUED));

    ipfs.release(slow.cid());
    awaitStatus(next.cid(), TrackerStatus.PINNED);
    eventually().until(() -> tracker.operationCount() == 0);
    assertThat(statusAll()).extracting(PinInfo::status).containsOnly(TrackerStatus.PINNED);
  }

  @Test
  void aPinBeyondTheQueueIsPinQueuedWithoutAnOperationAndStillGetsPinned() {
    start(1, 1);
    Pin running = pin(SELF);
    ipfs.blockPin(running.cid());
    commit(running);
    eventually().until(() -> ipfs.isWaiting(running.cid()));
    Pin queued = commit(pin(SELF));
    Pin overflow = commit(pin(SELF));

    assertThat(tracker.operationCount()).isEqualTo(2);
    assertThat(status(queued.cid())).isEqualTo(TrackerStatus.PIN_QUEUED);
    assertThat(status(overflow.cid())).isEqualTo(TrackerStatus.PIN_QUEUED);
    assertThat(tracker.status(overflow.cid()).error()).isEmpty();

    ipfs.release(running.cid());
    awaitStatus(overflow.cid(), TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
  }

  @Test
  void anIpfsFailureIsAPinErrorWithItsMessageAndAttemptCount() {
    ipfs.failPins("disk on fire");
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PIN_ERROR);
    PinInfo info = tracker.status(p.cid());
    assertThat(info.error()).contains("disk on fire");
    assertThat(info.attemptCount()).isEqualTo(1);
  }

  @Test
  void unpinningShowsUnpinningThenUnpinQueuedBehindItThenUnpinned() {
    start(100, 2);
    Pin a = commit(pin(SELF));
    Pin b = commit(pin(SELF));
    awaitStatus(a.cid(), TrackerStatus.PINNED);
    awaitStatus(b.cid(), TrackerStatus.PINNED);

    ipfs.blockUnpin(a.cid());
    remove(a);
    eventually().until(() -> ipfs.isWaiting(a.cid()));
    assertThat(status(a.cid())).isEqualTo(TrackerStatus.UNPINNING);
    remove(b);
    assertThat(status(b.cid())).isEqualTo(TrackerStatus.UNPIN_QUEUED);

    ipfs.release(a.cid());
    awaitStatus(a.cid(), TrackerStatus.UNPINNED);
    awaitStatus(b.cid(), TrackerStatus.UNPINNED);
    assertThat(ipfs.isPinned(a.cid()) || ipfs.isPinned(b.cid())).isFalse();
  }

  @Test
  void aFailedUnpinIsAnUnpinErrorWithItsMessage() {
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    ipfs.failUnpins("repo locked");
    remove(p);
    awaitStatus(p.cid(), TrackerStatus.UNPIN_ERROR);
    assertThat(tracker.status(p.cid()).error()).contains("repo locked");
    assertThat(tracker.status(p.cid()).attemptCount()).isEqualTo(1);
  }

  @Test
  void aPinAllocatedElsewhereIsRemoteAndNeverTouchesIpfs() {
    start(100, 2);
    Pin p = commit(pin(OTHER));
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.REMOTE);
    assertThat(tracker.operationCount()).isZero();
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isZero();
    assertThat(ipfs.calls(TestIpfs.Call.UNPIN)).isZero();
  }

  @Test
  void aCidOutsideThePinsetIsUnpinned() {
    start(100, 2);
    assertThat(status(Cids.random())).isEqualTo(TrackerStatus.UNPINNED);
  }

  @Test
  void aPinThatVanishedFromIpfsIsUnexpectedlyUnpinned() {
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    ipfs.removePin(p.cid());

    PinInfo live = tracker.status(p.cid());
    assertThat(live.status()).isEqualTo(TrackerStatus.UNEXPECTEDLY_UNPINNED);
    assertThat(live.error()).isEqualTo("the item should be pinned but it is not");

    tracker.runIpfsSync();
    PinInfo fromStatusAll = statusAll().get(0);
    assertThat(fromStatusAll.status()).isEqualTo(TrackerStatus.UNEXPECTEDLY_UNPINNED);
    assertThat(fromStatusAll.error()).isEqualTo(MapPinTracker.NOT_PINNED);
  }

  @Test
  void unreachableIpfsMakesALiveStatusAClusterError() {
    start(100, 2);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    ipfs.unreachable(true);
    PinInfo info = tracker.status(p.cid());
    assertThat(info.status()).isEqualTo(TrackerStatus.CLUSTER_ERROR);
    assertThat(info.error()).contains("connection refused");
  }

  @Test
  void anUnreadableStoreMakesStatusesClusterErrors() {
    start(100, 2);
    Pin p = pin(SELF);
    state.put(p);
    store.close();
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.CLUSTER_ERROR);
    assertThat(statusAll())
        .extracting(PinInfo::status)
        .containsExactly(TrackerStatus.CLUSTER_ERROR);
  }

  @Test
  void aPinNotProcessedYetButAlreadyInIpfsIsPinned() {
    tracker = create(100, 1); // not started: nothing gets processed
    Pin p = pin(SELF);
    state.put(p);
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.PIN_QUEUED);
    ipfs.putPin(p.cid(), PinMode.RECURSIVE);
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.PINNED);
  }

  @Test
  void aDirectPinDoesNotSatisfyARecursiveOne() {
    start(100, 2);
    Cid cid = Cids.random();
    ipfs.putPin(cid, PinMode.DIRECT);
    Pin p = commit(pin(cid, SELF));
    eventually().until(() -> ipfs.mode(cid).orElseThrow() == PinMode.RECURSIVE);
    awaitStatus(cid, TrackerStatus.PINNED);
  }
}

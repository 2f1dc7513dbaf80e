package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.testing.Cids;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The counters behind the tracker's metrics: kept as statuses change, never by a scan. */
class StatusCountsTest extends TrackerTestBase {

  long count(TrackerStatus s) {
    return tracker.statusCount(s);
  }

  @Test
  void queuedAndRunningPinsAreCountedAsTheyMove() {
    start(100, 1);
    Pin slow = pin(SELF);
    ipfs.blockPin(slow.cid());
    commit(slow);
    eventually().until(() -> ipfs.isWaiting(slow.cid()));
    commit(pin(SELF));

    assertThat(count(TrackerStatus.PINNING)).isEqualTo(1);
    assertThat(count(TrackerStatus.PIN_QUEUED)).isEqualTo(1);

    ipfs.release(slow.cid());
    awaitQuiet();
    assertThat(tracker.statusCounts()).containsOnlyKeys(MapPinTracker.COUNTED_STATUSES);
    assertThat(tracker.statusCounts().values()).containsOnly(0L);
    assertThat(tracker.pinCalls()).isEqualTo(2);
    assertThat(tracker.pinCallErrors()).isZero();
  }

  @Test
  void aFailedPinCountsAsPinErrorUntilItsRetrySucceeds() {
    ipfs.failPins("disk on fire");
    start(100, 1);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PIN_ERROR);

    assertThat(count(TrackerStatus.PIN_ERROR)).isEqualTo(1);
    assertThat(tracker.pinCalls()).isEqualTo(1);
    assertThat(tracker.pinCallErrors()).isEqualTo(1);

    ipfs.failPins(null);
    assertThat(tracker.recover(p.cid()).status()).isEqualTo(TrackerStatus.PINNED);
    assertThat(count(TrackerStatus.PIN_ERROR)).isZero();
    assertThat(tracker.pinCalls()).isEqualTo(2);
    assertThat(tracker.pinCallErrors()).isEqualTo(1);
  }

  @Test
  void aCancelledPinLeavesTheCountsAndIsNoPinError() {
    start(100, 1);
    Pin p = pin(SELF);
    ipfs.blockPin(p.cid());
    commit(p);
    eventually().until(() -> ipfs.isWaiting(p.cid()));

    remove(p);

    assertThat(count(TrackerStatus.PINNING)).isZero();
    awaitQuiet();
    assertThat(tracker.statusCounts().values()).containsOnly(0L);
    assertThat(tracker.pinCalls()).isEqualTo(1);
    assertThat(tracker.pinCallErrors()).as("a cancelled call is not a failure").isZero();
  }

  @Test
  void failuresLeftByAnEarlierRunAreCounted() {
    store.putFailure(
        new Failure(Cids.random(), Failure.Kind.UNPIN_ERROR, "busy", 1, Instant.now(), false));
    store.putFailure(
        new Failure(Cids.random(), Failure.Kind.PIN_ERROR, "down", 2, Instant.now(), true));

    tracker = create(100, 1);

    assertThat(count(TrackerStatus.UNPIN_ERROR)).isEqualTo(1);
    assertThat(count(TrackerStatus.PIN_ERROR)).as("requeued, still unresolved").isEqualTo(1);
  }

  @Test
  void theIpfsPinCountAndLostPinsComeFromTheLastIpfsSync() {
    start(100, 1);
    assertThat(tracker.ipfsPinCount()).isEmpty();
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    ipfs.putPin(Cids.random(), PinMode.DIRECT);

    tracker.runIpfsSync();
    assertThat(tracker.ipfsPinCount()).hasValue(2);

    ipfs.removePin(p.cid());
    tracker.runIpfsSync();
    assertThat(tracker.ipfsPinCount()).hasValue(1);
    assertThat(count(TrackerStatus.UNEXPECTEDLY_UNPINNED)).isEqualTo(1);

    ipfs.failPinLsAfter(0);
    tracker.runIpfsSync();
    assertThat(tracker.ipfsPinCount()).as("a failed sync changes nothing").hasValue(1);
  }

  @Test
  void aStatusTheTrackerDoesNotCountIsRefusedByName() {
    start(100, 1);
    assertThatThrownBy(() -> count(TrackerStatus.PINNED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pinned");
  }
}

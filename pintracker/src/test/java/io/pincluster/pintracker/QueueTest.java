package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Bounded queues that bound memory, not correctness; priority; cancellation between ops. */
class QueueTest extends TrackerTestBase {

  /** IPFS Cluster #377: a full queue turned pins into "queue is full" errors. */
  @Test
  void pinsFarBeyondTheQueueSizeAllEndUpPinnedAndNoneIsEverAnError() {
    start(10, 2);
    List<Pin> pins = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      pins.add(commit(pin(SELF)));
    }
    // queued, plus those running: one batch a worker at most
    assertThat(tracker.operationCount()).isLessThanOrEqualTo(10 + 2 * Worker.MAX_BATCH);
    AtomicReference<PinInfo> sawError = new AtomicReference<>();
    eventually()
        .until(
            () -> {
              for (PinInfo info : statusAll()) {
                if (info.status().isError() || !info.error().isEmpty()) {
                  sawError.compareAndSet(null, info);
                }
              }
              return ipfs.pinCount() == 2000;
            });
    assertThat(sawError.get()).isNull();
    assertThat(statusAll()).extracting(PinInfo::status).containsOnly(TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
  }

  @Test
  void priorityPinsArePinnedBeforeOldOnes() {
    start(100, 1);
    Pin blocker = pin(SELF);
    ipfs.blockPin(blocker.cid());
    commit(blocker);
    eventually().until(() -> ipfs.isWaiting(blocker.cid()));
    List<Cid> old = new ArrayList<>();
    List<Cid> young = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      old.add(commit(oldPin(SELF)).cid());
    }
    for (int i = 0; i < 3; i++) {
      young.add(commit(pin(SELF)).cid());
    }
    assertThat(tracker.status(young.get(0)).priorityPin()).isTrue();
    assertThat(tracker.status(old.get(0)).priorityPin()).isFalse();

    ipfs.release(blocker.cid());
    eventually().until(() -> ipfs.pinCount() == 7);
    List<String> order = pinnedInOrder();
    List<String> expected = new ArrayList<>();
    expected.add(blocker.cid().toString());
    young.forEach(c -> expected.add(c.toString()));
    old.forEach(c -> expected.add(c.toString()));
    assertThat(order).containsExactlyElementsOf(expected);
  }

  /** IPFS Cluster #1312/#1319: new pins stuck behind a backlog. */
  @Test
  void aNewPinIsNotStuckBehindABacklogTheFeederPullsFromThePinset() {
    start(10, 1);
    Pin blocker = pin(SELF);
    ipfs.blockPin(blocker.cid());
    commit(blocker);
    eventually().until(() -> ipfs.isWaiting(blocker.cid()));
    for (int i = 0; i < 50; i++) {
      state.put(oldPin(SELF)); // a backlog the tracker was never told about
    }
    tracker.runStateSync();
    eventually().until(() -> tracker.queuedPins() == 9); // the feeder leaves one slot free

    Pin fresh = commit(pin(SELF));
    assertThat(tracker.queuedPins()).isEqualTo(10);
    ipfs.release(blocker.cid());
    eventually().until(() -> ipfs.pinCount() == 52);
    assertThat(pinnedInOrder().get(1)).isEqualTo(fresh.cid().toString());
  }

  @Test
  void anUnpinCancelsAnInFlightPinOfTheSameCid() {
    start(100, 1);
    Pin p = pin(SELF);
    ipfs.blockPin(p.cid());
    commit(p);
    eventually().until(() -> ipfs.isWaiting(p.cid()));
    remove(p);
    eventually().until(() -> !ipfs.isWaiting(p.cid()));
    awaitQuiet();
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.UNPINNED);
    assertThat(ipfs.isPinned(p.cid())).isFalse();
    assertThat(failures()).as("a cancelled pin is not an error").isEmpty();
    // the worker is free again
    Pin next = commit(pin(SELF));
    awaitStatus(next.cid(), TrackerStatus.PINNED);
  }

  @Test
  void aPinCancelsAnInFlightUnpinOfTheSameCid() {
    start(100, 1);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    ipfs.blockUnpin(p.cid());
    remove(p);
    eventually().until(() -> ipfs.isWaiting(p.cid()));
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.UNPINNING);

    commit(p);
    awaitQuiet();
    assertThat(ipfs.isPinned(p.cid())).isTrue();
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
  }

  @Test
  void aNewPinOfTheSameCidUpdatesTheOperation() {
    start(100, 1);
    Cid cid = pin(SELF).cid();
    PinOptions directly = new PinOptions(0, 0, "", PinMode.DIRECT, null, null, null, null, null);
    Pin direct = Pin.of(cid, directly).withAllocations(List.of(SELF));
    ipfs.blockPin(cid);
    commit(direct);
    eventually().until(() -> ipfs.isWaiting(cid));

    Pin recursive =
        Pin.of(cid, PinOptions.DEFAULT.withName("renamed")).withAllocations(List.of(SELF, OTHER));
    commit(recursive);
    assertThat(tracker.status(cid).name()).isEqualTo("renamed");
    assertThat(tracker.operationCount()).isEqualTo(1);

    ipfs.release(cid);
    eventually().until(() -> ipfs.mode(cid).orElse(null) == PinMode.RECURSIVE);
    awaitQuiet();
    assertThat(status(cid)).isEqualTo(TrackerStatus.PINNED);
  }

  @Test
  void attemptCountsAreCarriedAcrossRetriesOfTheSameKind() {
    ipfs.failPins("no space");
    start(100, 1);
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PIN_ERROR);
    assertThat(tracker.recover(p.cid()).attemptCount()).isEqualTo(2);
    commit(p); // committing it again retries it too
    eventually().until(() -> tracker.status(p.cid()).attemptCount() == 3);
    assertThat(status(p.cid())).isEqualTo(TrackerStatus.PIN_ERROR);

    ipfs.failPins(null);
    assertThat(tracker.recover(p.cid()).status()).isEqualTo(TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
  }

  /** The CIDs IPFS pinned, in order, alone or in a batch. */
  private List<String> pinnedInOrder() {
    return ipfs.log().stream()
        .filter(s -> s.startsWith("PIN ") || s.startsWith("PIN_LOCAL "))
        .map(s -> s.substring(s.indexOf(' ') + 1))
        .toList();
  }
}

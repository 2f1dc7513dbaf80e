package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfo;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Plain pins queued together run as one batch; what the batch cannot pin runs alone. */
class BatchTest extends TrackerTestBase {

  /** Commits one pin IPFS holds at a gate, so that the pins committed next queue behind it. */
  private Pin blockTheWorker() {
    Pin blocker = pin(SELF);
    ipfs.blockPin(blocker.cid());
    commit(blocker);
    eventually().until(() -> ipfs.isWaiting(blocker.cid()));
    return blocker;
  }

  /**
   * Starts a tracker (queue 100, one worker) whose store shows every batch read to {@code seen}.
   */
  private void startSeeingBatchReads(Consumer<List<Cid>> seen) {
    TrackerStore seeing =
        new CountingStore(store) {
          @Override
          public List<Entry> getAll(List<Cid> cids) {
            seen.accept(cids);
            return super.getAll(cids);
          }
        };
    tracker = create(100, 1, Duration.ofSeconds(10), seeing);
    tracker.start();
  }

  private List<Cid> commitPins(int n) {
    List<Cid> cids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      cids.add(commit(pin(SELF)).cid());
    }
    return cids;
  }

  @Test
  void pinsQueuedTogetherArePinnedInOneCallInQueueOrder() {
    start(100, 1);
    Pin blocker = blockTheWorker();
    List<Cid> queued = commitPins(5);
    ipfs.release(blocker.cid());
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));

    assertThat(ipfs.calls(TestIpfs.Call.PIN_LOCAL)).isEqualTo(1);
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).as("only the blocker, alone").isEqualTo(1);
    List<String> expected = new ArrayList<>();
    queued.forEach(c -> expected.add("PIN_LOCAL " + c));
    assertThat(ipfs.log()).containsSubsequence(expected);
    assertThat(tracker.pinCalls()).isEqualTo(6);
    assertThat(failures()).isEmpty();
  }

  @Test
  void aBatchTakesAtMostMaxBatchOps() {
    start(1000, 1);
    Pin blocker = blockTheWorker();
    List<Cid> queued = commitPins(Worker.MAX_BATCH + 1);
    ipfs.release(blocker.cid());
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));
    assertThat(ipfs.calls(TestIpfs.Call.PIN_LOCAL) + ipfs.calls(TestIpfs.Call.PIN))
        .as("the blocker, one full batch, and the one left over (alone or in a batch)")
        .isEqualTo(3);
  }

  @Test
  void aPinWhoseContentIsNotLocalLeavesTheBatchAndIsPinnedAloneWhileTheOthersAreDone() {
    start(100, 2);
    Pin blocker = pin(SELF);
    ipfs.blockPin(blocker.cid());
    commit(blocker);
    Pin other = pin(SELF);
    ipfs.blockPin(other.cid());
    commit(other);
    eventually().until(() -> ipfs.isWaiting(blocker.cid()) && ipfs.isWaiting(other.cid()));
    List<Cid> queued = commitPins(4);
    Pin remote = commit(pin(SELF));
    ipfs.blockPin(remote.cid()); // the node has to fetch it: it waits at the gate
    queued.addAll(commitPins(2));

    ipfs.release(blocker.cid());
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));
    eventually().until(() -> ipfs.isWaiting(remote.cid()));
    PinInfo pinning = tracker.status(remote.cid());
    assertThat(pinning.status()).isEqualTo(TrackerStatus.PINNING);
    assertThat(pinning.attemptCount()).as("sent back by the batch: not an attempt").isEqualTo(1);
    assertThat(ipfs.log())
        .doesNotContain("PIN_LOCAL " + remote.cid())
        .contains("PIN " + remote.cid());

    ipfs.releaseAll();
    awaitStatus(remote.cid(), TrackerStatus.PINNED);
    awaitStatus(other.cid(), TrackerStatus.PINNED);
    assertThat(failures()).isEmpty();
  }

  @Test
  void whenTheNodeRefusesEveryPinEachFailsAloneWithTheNodesAnswer() {
    start(100, 1);
    Pin blocker = blockTheWorker();
    ipfs.failPins("disk full");
    List<Cid> queued = commitPins(3);
    ipfs.release(blocker.cid());
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PIN_ERROR));
    assertThat(ipfs.calls(TestIpfs.Call.PIN_LOCAL)).isEqualTo(1);
    assertThat(failures()).hasSize(3).allSatisfy(f -> assertThat(f.error()).contains("disk full"));
  }

  @Test
  void aPinIpfsMayAlreadyHoldIsCheckedAloneNotWalkedInABatch() {
    start(100, 1);
    Pin known = commit(pin(SELF));
    awaitStatus(known.cid(), TrackerStatus.PINNED);
    ipfs.removePin(known.cid()); // lost behind the tracker's back; its records still say pinned
    Pin blocker = blockTheWorker();
    CompletableFuture<PinInfo> recovered =
        CompletableFuture.supplyAsync(() -> tracker.recover(known.cid())); // waits for the op
    eventually().until(() -> tracker.queuedPins() == 1);
    List<Cid> queued = commitPins(2);
    ipfs.release(blocker.cid());
    assertThat(recovered.join().status()).isEqualTo(TrackerStatus.PINNED);
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));
    assertThat(ipfs.log())
        .doesNotContain("PIN_LOCAL " + known.cid())
        .contains("PIN " + known.cid());
    assertThat(ipfs.mode(known.cid())).contains(PinMode.RECURSIVE);
  }

  @Test
  void whenTheStoreCannotBeReadTheBatchsPinsRunAloneAndNoneIsLost() {
    AtomicBoolean failBatchReads = new AtomicBoolean();
    startSeeingBatchReads(
        cids -> {
          if (failBatchReads.getAndSet(false)) {
            throw new IllegalStateException("disk error");
          }
        });
    Pin blocker = blockTheWorker();
    // queued by the state sync, not by track: the batch has no entries read at queue time
    List<Cid> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Pin p = pin(SELF);
      state.put(p);
      queued.add(p.cid());
    }
    tracker.runStateSync();
    eventually().until(() -> tracker.queuedPins() == 3);
    failBatchReads.set(true);
    ipfs.release(blocker.cid());
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));
    assertThat(failBatchReads).as("the batch read was tried").isFalse();
    assertThat(ipfs.calls(TestIpfs.Call.PIN_LOCAL)).isZero();
    assertThat(ipfs.calls(TestIpfs.Call.PIN)).isEqualTo(4);
  }

  @Test
  void pinsQueuedByTrackAreBatchedWithoutReadingTheirRecordsAgain() {
    AtomicInteger batchReads = new AtomicInteger();
    startSeeingBatchReads(cids -> batchReads.addAndGet(cids.size()));
    Pin blocker = blockTheWorker();
    List<Cid> queued = commitPins(5);
    ipfs.release(blocker.cid());
    queued.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));
    assertThat(ipfs.calls(TestIpfs.Call.PIN_LOCAL)).isEqualTo(1);
    assertThat(batchReads).as("track read them as it queued them").hasValue(0);
  }

  @Test
  void cancellingOnePinOfABatchInterruptsItsCallAndTheOthersArePinnedAlone() {
    start(100, 1);
    Pin blocker = blockTheWorker();
    Pin cancelled = commit(pin(SELF));
    List<Cid> others = commitPins(2);
    ipfs.holdBatches(true);
    ipfs.release(blocker.cid());
    eventually().until(ipfs::isHoldingBatch);
    remove(cancelled);
    others.forEach(c -> awaitStatus(c, TrackerStatus.PINNED));
    awaitQuiet();
    assertThat(status(cancelled.cid())).isEqualTo(TrackerStatus.UNPINNED);
    assertThat(ipfs.isPinned(cancelled.cid())).isFalse();
    assertThat(ipfs.log()).contains("PIN " + others.get(0), "PIN " + others.get(1));
    assertThat(failures()).as("a cancel is not an error").isEmpty();
  }

  @Test
  void aFailureWrittenForAnotherCidOfTheSameMultihashWhileABatchRunsIsForgottenWhenItPins() {
    start(100, 2);
    ipfs.holdBatches(true);
    Pin first = blockTheWorker(); // one at a time: each runs alone, waiting at its gate
    Pin second = blockTheWorker();
    Cid v0 = Cid.v0(Cids.random().multihash());
    Cid v1 = Cid.v1(Cid.RAW, v0.multihash()); // failures are kept by multihash: one for both
    commit(pin(v0, SELF));
    commit(pin(SELF));
    ipfs.release(first.cid()); // its worker takes v0 and the other pin as one batch, held
    eventually().until(ipfs::isHoldingBatch);

    ipfs.failPins("pin: no space left");
    Pin direct =
        Pin.of(v1, new PinOptions(0, 0, "", PinMode.DIRECT, null, null, null, null, null))
            .withAllocations(List.of(SELF))
            .withTimestamp(clock.instant()); // not plain: it runs alone, on the other worker
    commit(direct);
    ipfs.release(second.cid());
    awaitStatus(v1, TrackerStatus.PIN_ERROR);
    ipfs.failPins(null);
    ipfs.holdBatches(false);

    awaitQuiet();
    assertThat(failures()).as("the content is pinned: no error stays on record").isEmpty();
    assertThat(status(v0)).isEqualTo(TrackerStatus.PINNED);
  }
}

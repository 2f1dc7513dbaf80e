package io.pincluster.pintracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.config.MapTrackerSection;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Threads, start, and a bounded, idempotent close. */
class LifecycleTest extends TrackerTestBase {

  static Set<String> trackerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("pintracker-"))
        .collect(Collectors.toSet());
  }

  @Test
  void theProductionConstructorRunsTheLoopsOnceAskedAndNamesEveryThread() {
    Pin waiting = pin(SELF);
    state.put(waiting); // committed before the tracker existed
    tracker =
        new MapPinTracker(
            SELF,
            "self",
            new MapTrackerSection(100, 2, Duration.ofHours(24), 5),
            ClusterSection.defaults("self", "ab".repeat(32)),
            Duration.ofSeconds(10),
            state,
            ipfs,
            store,
            clock);
    assertThatThrownBy(tracker::startLoops)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("before its loops");
    tracker.start();
    tracker.start(); // idempotent
    assertThat(trackerThreads()).doesNotContain("pintracker-sync");
    assertThat(ipfs.calls(TestIpfs.Call.PIN_LS)).isZero();
    assertThat(ipfs.isPinned(waiting.cid())).isFalse(); // only the first state sync finds it
    tracker.startLoops();
    tracker.startLoops(); // idempotent
    eventually().until(() -> ipfs.isPinned(waiting.cid()));
    assertThat(trackerThreads())
        .contains(
            "pintracker-pin-0",
            "pintracker-pin-1",
            "pintracker-unpin",
            "pintracker-feeder",
            "pintracker-unpin-feeder",
            "pintracker-sync");
    assertThat(ipfs.calls(TestIpfs.Call.PIN_LS)).isEqualTo(1);

    tracker.close();
    eventually().until(() -> trackerThreads().isEmpty());
  }

  @Test
  void closeInterruptsAPinInFlightPromptlyAndDoesNotRecordItAsAnError() {
    start(100, 1);
    Pin p = pin(SELF);
    ipfs.blockPin(p.cid());
    commit(p);
    eventually().until(() -> ipfs.isWaiting(p.cid()));
    long t0 = System.nanoTime();
    tracker.close();
    tracker.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    assertThat(ipfs.isWaiting(p.cid())).isFalse();
    assertThat(failures()).isEmpty();
    eventually().until(() -> trackerThreads().isEmpty());
  }

  @Test
  void aClosedTrackerIgnoresNewWorkAndCannotStart() {
    start(100, 1);
    tracker.close();
    Pin p = pin(SELF);
    commit(p);
    tracker.untrack(p);
    assertThat(tracker.operationCount()).isZero();
    assertThatThrownBy(tracker::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void recoverReturnsWhenItsOperationTakesLongerThanThePinTimeout() {
    tracker = create(100, 1, Duration.ofMillis(200), store);
    tracker.start();
    ipfs.failPins("nope");
    Pin p = commit(pin(SELF));
    awaitStatus(p.cid(), TrackerStatus.PIN_ERROR);
    ipfs.failPins(null).blockPin(p.cid());
    assertThat(tracker.recover(p.cid()).status()).isEqualTo(TrackerStatus.PINNING);
    ipfs.release(p.cid());
    awaitStatus(p.cid(), TrackerStatus.PINNED);
    assertThat(tracker.operationCount()).isZero();
  }
}

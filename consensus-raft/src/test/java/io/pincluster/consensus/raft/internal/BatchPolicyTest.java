package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The group-commit rule, driven with a fake clock (nanoseconds passed in). */
class BatchPolicyTest {
  static final long MS = 1_000_000;
  // at most 3 ops or 100 bytes per entry, 2 entries in flight, 50 ms linger
  final BatchPolicy<String> policy = new BatchPolicy<>(3, 100, 2, 50 * MS);

  @Test
  void aLoneWriteOnAnIdlePeerIsSentAtOnce() {
    policy.add("a", 10, 0);

    assertThat(policy.poll(0)).containsExactly("a");
    assertThat(policy.inFlight()).isEqualTo(1);
    assertThat(policy.poll(0)).isNull();
  }

  @Test
  void writesArrivingWhileAnEntryIsInFlightWaitForTheSlotToFree() {
    policy.add("a", 10, 0);
    policy.poll(0);
    policy.add("b", 10, 1 * MS);
    policy.add("c", 10, 2 * MS);

    assertThat(policy.poll(10 * MS)).isNull(); // in flight, not full, not lingered long enough
    policy.completed();

    assertThat(policy.poll(11 * MS)).containsExactly("b", "c");
    assertThat(policy.poll(11 * MS)).isNull();
  }

  @Test
  void orWhenTheOldestHasWaitedTheLinger() {
    policy.add("a", 10, 0);
    policy.poll(0);
    policy.add("b", 10, 5 * MS);

    assertThat(policy.nextDeadline()).isEqualTo(55 * MS);
    assertThat(policy.poll(54 * MS)).isNull();
    assertThat(policy.poll(55 * MS)).containsExactly("b");
    assertThat(policy.inFlight()).isEqualTo(2);
  }

  @Test
  void aFullEntryGoesOutWithoutWaitingWhileASlotIsFree() {
    policy.add("a", 10, 0);
    policy.poll(0);
    policy.add("b", 10, 0);
    policy.add("c", 10, 0);
    policy.add("d", 10, 0);
    policy.add("e", 10, 0);

    assertThat(policy.poll(1)).containsExactly("b", "c", "d"); // count limit
    assertThat(policy.poll(1)).isNull(); // both slots taken
    assertThat(policy.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    assertThat(policy.poll(100 * MS)).isNull(); // even after the linger
    policy.completed();
    assertThat(policy.poll(100 * MS)).containsExactly("e");
  }

  @Test
  void entriesAreCutAtTheByteLimitButAnOversizedWriteGoesAlone() {
    policy.add("big", 500, 0);
    policy.add("x", 60, 0);
    policy.add("y", 60, 0);

    assertThat(policy.poll(0)).containsExactly("big");
    policy.completed();
    assertThat(policy.poll(0)).containsExactly("x"); // x + y would be 120 > 100
    policy.completed();
    assertThat(policy.poll(0)).containsExactly("y");
  }

  @Test
  void aFreedSlotIsNotACreditForLaterWrites() {
    policy.add("a", 10, 0);
    policy.add("b", 10, 0);
    policy.poll(0); // a, b
    policy.add("c", 10, 0);
    assertThat(policy.poll(0)).isNull(); // an entry is in flight: c waits
    policy.completed(); // frees the slot while "c" waits -> c goes
    assertThat(policy.poll(1)).containsExactly("c");
    policy.add("d", 10, 2);
    assertThat(policy.poll(2)).isNull(); // c in flight: d waits
    policy.completed(); // c done, d waiting -> d goes
    assertThat(policy.poll(3)).containsExactly("d");
    policy.completed(); // nothing waits: no credit kept
    assertThat(policy.poll(4)).isNull();
    policy.add("e", 10, 5);
    assertThat(policy.poll(5)).containsExactly("e"); // idle again: sent at once
    policy.add("f", 10, 6);
    assertThat(policy.poll(6)).isNull(); // e in flight: f waits, no stale credit
  }

  @Test
  void drainReturnsWhatWaitsAndBadLimitsAreRefused() {
    policy.add("a", 10, 0);
    policy.poll(0);
    policy.add("b", 10, 0);

    assertThat(policy.drain()).isEqualTo(List.of("b"));
    assertThat(policy.queued()).isZero();
    assertThatThrownBy(() -> new BatchPolicy<String>(0, 1, 1, 0)).hasMessageContaining("ops=0");
    policy.completed();
    assertThatThrownBy(policy::completed).isInstanceOf(IllegalStateException.class);
  }
}

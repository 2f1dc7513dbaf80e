package io.pincluster.ipfs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailureBackoffTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final List<Long> sleeps = new ArrayList<>();
  private final FailureBackoff backoff =
      new FailureBackoff(3, Duration.ofSeconds(1), now::get, sleeps::add);

  @Test
  void healthyNodeIsNeverDelayed() throws InterruptedException {
    backoff.failure();
    backoff.failure();
    backoff.awaitTurn();
    backoff.awaitTurn();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void afterThresholdFailuresCallersGetSlotsOneIntervalApart() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      backoff.failure();
    }
    backoff.awaitTurn();
    backoff.awaitTurn();
    backoff.awaitTurn();
    assertThat(sleeps).containsExactly(1_000_000_000L, 2_000_000_000L);

    now.addAndGet(5_000_000_000L);
    backoff.awaitTurn();
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void oneSuccessEndsTheBackoff() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      backoff.failure();
    }
    assertThat(backoff.backingOff()).isTrue();
    backoff.success();
    backoff.awaitTurn();
    backoff.awaitTurn();
    assertThat(sleeps).isEmpty();
    assertThat(backoff.consecutiveFailures()).isZero();
  }

  @Test
  void rejectsBadSettingsNamingTheValue() {
    assertThatThrownBy(() -> new FailureBackoff(0, Duration.ofSeconds(1), now::get, sleeps::add))
        .hasMessageContaining("threshold must be >= 1: 0");
  }
}

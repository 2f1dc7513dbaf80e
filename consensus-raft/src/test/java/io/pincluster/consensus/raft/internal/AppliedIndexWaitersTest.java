package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AppliedIndexWaitersTest {
  final AtomicLong nanos = new AtomicLong();
  final AppliedIndexWaiters waiters = new AppliedIndexWaiters("test-waiter", nanos::get);

  @AfterEach
  void close() {
    waiters.close();
  }

  @Test
  void anAppliedIndexCompletesAtOnce() {
    waiters.advance(5);

    assertThat(waiters.await(5, Duration.ofSeconds(1))).isCompleted();
    assertThat(waiters.await(3, Duration.ofSeconds(1))).isCompleted();
  }

  @Test
  void waitersCompleteWhenTheirIndexIsApplied() {
    CompletableFuture<Void> seven = waiters.await(7, Duration.ofSeconds(60));
    CompletableFuture<Void> nine = waiters.await(9, Duration.ofSeconds(60));

    waiters.advance(8);

    await().atMost(Duration.ofSeconds(5)).until(seven::isDone);
    assertThat(seven).isCompleted();
    assertThat(nine).isNotDone();
    waiters.advance(9);
    await().atMost(Duration.ofSeconds(5)).until(nine::isDone);
    assertThat(waiters.applied()).isEqualTo(9);
  }

  @Test
  void aWaiterTimesOutOnTheInjectedClock() {
    CompletableFuture<Void> f = waiters.await(3, Duration.ofSeconds(10));

    nanos.addAndGet(Duration.ofSeconds(11).toNanos());

    await().atMost(Duration.ofSeconds(5)).until(f::isDone);
    assertThat(f)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(Exception.class)
        .withCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void closeFailsPendingWaiters() {
    CompletableFuture<Void> f = waiters.await(3, Duration.ofSeconds(10));

    waiters.close();
    waiters.close();

    assertThat(f).isCompletedExceptionally();
    assertThat(waiters.await(4, Duration.ofSeconds(1))).isCompletedExceptionally();
  }
}

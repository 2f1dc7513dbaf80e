package io.pincluster.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandoffTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void everyItemArrivesInOrderAcrossThreads() throws Exception {
    Handoff<Integer> h = new Handoff<>(64);
    int n = 300_000;
    Thread producer =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < n; i++) {
                  assertThat(h.put(i, () -> false)).isTrue();
                }
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            },
            "test-producer");
    producer.start();
    List<Integer> got = new ArrayList<>(n);
    while (got.size() < n) {
      int before = got.size();
      int moved = h.take(got, 100, () -> false);
      assertThat(moved).isBetween(1, 100).isEqualTo(got.size() - before);
    }
    producer.join();
    for (int i = 0; i < n; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  @Test
  void aFullQueueHoldsTheProducerUntilItIsStopped() throws Exception {
    Handoff<Integer> h = new Handoff<>(3);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger added = new AtomicInteger();
    CompletableFuture<Boolean> fourth =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (int i = 0; i < 3; i++) {
                  h.put(i, stop::get);
                  added.incrementAndGet();
                }
                return h.put(3, stop::get);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    await().atMost(WAIT).until(() -> added.get() == 3);
    await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> !fourth.isDone());
    stop.set(true);
    assertThat(fourth.get(10, TimeUnit.SECONDS)).isFalse();
    List<Integer> got = new ArrayList<>();
    assertThat(h.take(got, 10, () -> false)).isEqualTo(3);
    assertThat(got).containsExactly(0, 1, 2);
  }

  @Test
  void aSleepingConsumerIsWokenByTheNextItemAndAStoppedOneGetsNothing() throws Exception {
    Handoff<String> h = new Handoff<>(8);
    List<String> got = new ArrayList<>();
    CompletableFuture<Integer> taking =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return h.take(got, 8, () -> false);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
    // long enough for the consumer to give up napping and sleep until woken
    await()
        .pollDelay(Duration.ofNanos(Handoff.IDLE_NANOS * 3))
        .atMost(WAIT)
        .until(() -> !taking.isDone());
    h.put("late line", () -> false);
    assertThat(taking.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(got).containsExactly("late line");

    assertThat(h.take(got, 8, () -> true)).isZero();
  }

  @Test
  void anInterruptedSideStopsWaiting() {
    Handoff<String> h = new Handoff<>(1);
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> h.take(new ArrayList<>(), 1, () -> false))
        .isInstanceOf(InterruptedException.class);
    assertThatThrownBy(() -> new Handoff<String>(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

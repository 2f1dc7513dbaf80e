package io.pincluster.service.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrefetchedStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final ExecutorService readers =
      Executors.newCachedThreadPool(r -> new Thread(r, "test-stream-reader"));

  @AfterEach
  void stop() {
    readers.shutdownNow();
  }

  /** Integers 0..count-1, failing instead of yielding {@code failAt} (-1: never). */
  static class Numbers implements CloseableIterator<Integer> {
    final AtomicInteger produced = new AtomicInteger();
    final AtomicBoolean closed = new AtomicBoolean();
    final long count;
    final int failAt;

    Numbers(long count, int failAt) {
      this.count = count;
      this.failAt = failAt;
    }

    @Override
    public boolean hasNext() {
      if (produced.get() == failAt) {
        throw new IllegalStateException("peer stream broke at " + failAt);
      }
      return produced.get() < count;
    }

    @Override
    public Integer next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return produced.getAndIncrement();
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void yieldsEveryItemInOrderAndTheReaderClosesTheSource() {
    for (int n : new int[] {0, 1, 1023, 1024, 1025, 50_000}) {
      Numbers source = new Numbers(n, -1);
      List<Integer> out = new ArrayList<>();
      try (CloseableIterator<Integer> it = PrefetchedStream.of(source, readers)) {
        assertThat(it).isInstanceOf(PrefetchedStream.class);
        it.forEachRemaining(out::add);
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
      }
      assertThat(out).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(out.get(i)).isEqualTo(i);
      }
      await().atMost(WAIT).untilTrue(source.closed);
    }
  }

  @Test
  void aFailureComesAfterTheItemsReadBeforeIt() {
    Numbers source = new Numbers(10_000, 3000);
    List<Integer> out = new ArrayList<>();
    CloseableIterator<Integer> it = PrefetchedStream.of(source, readers);
    assertThatThrownBy(
            () -> {
              while (it.hasNext()) {
                out.add(it.next());
              }
            })
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("peer stream broke at 3000");
    assertThat(out).hasSize(3000);
    assertThatThrownBy(it::hasNext).hasMessage("peer stream broke at 3000");
    it.close();
    await().atMost(WAIT).untilTrue(source.closed);
  }

  @Test
  void readsAheadAtMostItsCapacityAndStopsWhenClosed() {
    Numbers endless = new Numbers(Long.MAX_VALUE, -1);
    CloseableIterator<Integer> it = PrefetchedStream.of(endless, readers);
    assertThat(it.next()).isZero();
    await().atMost(WAIT).until(() -> endless.produced.get() > PrefetchedStream.CAPACITY);
    // the reader waits for room: one batch taken, a queue full, one item in hand
    int limit = PrefetchedStream.CAPACITY + PrefetchedStream.DRAIN + 1;
    await()
        .during(Duration.ofMillis(200))
        .atMost(WAIT)
        .until(() -> endless.produced.get() <= limit);
    it.close();
    await().atMost(WAIT).untilTrue(endless.closed);
    assertThatThrownBy(it::hasNext).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aReaderThatDiesOfAnErrorStillEndsTheStream() {
    CloseableIterator<Integer> dying =
        new Numbers(10, -1) {
          @Override
          public boolean hasNext() {
            if (produced.get() == 5) {
              throw new AssertionError("reader bug");
            }
            return super.hasNext();
          }
        };
    List<Integer> out = new ArrayList<>();
    try (CloseableIterator<Integer> it = PrefetchedStream.of(dying, readers)) {
      assertThatThrownBy(() -> it.forEachRemaining(out::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reading the stream failed")
          .hasMessageContaining("reader bug");
    }
    assertThat(out).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void withNoReaderFreeTheSourceIsReadDirectly() {
    Numbers source = new Numbers(3, -1);
    CloseableIterator<Integer> it =
        PrefetchedStream.of(
            source,
            task -> {
              throw new RejectedExecutionException("busy");
            });
    assertThat(it).isSameAs(source);
  }
}

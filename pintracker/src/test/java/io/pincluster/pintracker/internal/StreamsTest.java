package io.pincluster.pintracker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.CloseableIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StreamsTest {
  @Test
  void inBatchesKeepsOrderAndHandsAtMostOneBatchToEachCall() {
    for (int n : new int[] {0, 1, 3, 4, 5, 11}) {
      List<Integer> items = IntStream.range(0, n).boxed().toList();
      List<Integer> batchSizes = new ArrayList<>();
      List<String> out = new ArrayList<>();
      try (CloseableIterator<String> it =
          Streams.inBatches(
              CloseableIterator.of(items),
              4,
              batch -> {
                batchSizes.add(batch.size());
                return batch.stream().map(i -> "#" + i).toList();
              })) {
        it.forEachRemaining(out::add);
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
      }
      assertThat(out).containsExactlyElementsOf(items.stream().map(i -> "#" + i).toList());
      assertThat(batchSizes).allMatch(size -> size >= 1 && size <= 4);
      assertThat(batchSizes).hasSize((n + 3) / 4);
    }
  }

  @Test
  void inBatchesReadsOnlyTheBatchItNeedsAndClosesTheSource() {
    AtomicBoolean closed = new AtomicBoolean();
    int[] read = {0};
    CloseableIterator<Integer> source =
        new CloseableIterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            return read[0]++;
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    try (CloseableIterator<Integer> it = Streams.inBatches(source, 8, batch -> batch)) {
      assertThat(it.next()).isZero();
      assertThat(read[0]).isEqualTo(8);
      for (int i = 1; i <= 8; i++) {
        assertThat(it.next()).isEqualTo(i);
      }
      assertThat(read[0]).isEqualTo(16);
    }
    assertThat(closed).isTrue();
  }

  @Test
  void aFailureIsThrownAfterTheItemsReadBeforeIt() {
    int[] read = {0};
    CloseableIterator<Integer> failing =
        new CloseableIterator<>() {
          @Override
          public boolean hasNext() {
            if (read[0] == 6) {
              throw new IllegalStateException("unreadable item 6");
            }
            return true;
          }

          @Override
          public Integer next() {
            return read[0]++;
          }

          @Override
          public void close() {}
        };
    List<Integer> out = new ArrayList<>();
    try (CloseableIterator<Integer> it = Streams.inBatches(failing, 4, batch -> batch)) {
      assertThatThrownBy(() -> it.forEachRemaining(out::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("unreadable item 6");
      assertThat(out).containsExactly(0, 1, 2, 3, 4, 5);
      assertThatThrownBy(it::hasNext).hasMessage("unreadable item 6");
    }
  }

  @Test
  void aBatchSizeBelowOneIsRefused() {
    assertThatThrownBy(() -> Streams.inBatches(CloseableIterator.of(List.of(1)), 0, b -> b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batch size");
  }
}

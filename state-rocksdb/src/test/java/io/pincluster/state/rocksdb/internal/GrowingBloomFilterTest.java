package io.pincluster.state.rocksdb.internal;

import static io.pincluster.state.rocksdb.internal.BloomFilterTest.key;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GrowingBloomFilterTest {
  private static int falsePositives(GrowingBloomFilter filter, long from, int n) {
    int hits = 0;
    for (long i = from; i < from + n; i++) {
      hits += filter.mightContain(key(i), 8) ? 1 : 0;
    }
    return hits;
  }

  @Test
  void farMoreStringsThanExpectedKeepTheFalsePositivesLow() {
    int n = 200_000;
    GrowingBloomFilter filter = new GrowingBloomFilter(1000, 20, 1L << 30, 3);
    for (long i = 0; i < n; i++) {
      filter.add(key(i), 8);
    }
    for (long i = 0; i < n; i++) {
      assertThat(filter.mightContain(key(i), 8)).isTrue();
    }
    assertThat(filter.overfull()).isFalse();
    assertThat(filter.bits()).isLessThan(4L * 20 * n);
    assertThat(falsePositives(filter, n, n)).as("about 0.02% a part, 8 parts").isLessThan(n / 200);
  }

  @Test
  void pastItsLimitItSaysSoAndStillFindsEverything() {
    int n = 50_000;
    GrowingBloomFilter filter = new GrowingBloomFilter(1000, 20, 20L * 8000, 3);
    for (long i = 0; i < n; i++) {
      filter.add(key(i), 8);
    }
    assertThat(filter.overfull()).isTrue();
    assertThat(filter.bits()).isLessThanOrEqualTo(20L * 8000);
    for (long i = 0; i < n; i++) {
      assertThat(filter.mightContain(key(i), 8)).isTrue();
    }
  }
}

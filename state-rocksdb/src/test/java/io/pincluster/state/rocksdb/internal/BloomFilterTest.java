package io.pincluster.state.rocksdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class BloomFilterTest {
  /** A tracker-store-like key: 8 bytes of prefix, then a sha2-256 multihash made of {@code i}. */
  static byte[] key(long i) {
    return ByteBuffer.allocate(8 + 34)
        .putLong(42)
        .put((byte) 0x12)
        .put((byte) 32)
        .putLong(i)
        .array();
  }

  @Test
  void everythingAddedIsFoundAndFewOthersAre() {
    int n = 100_000;
    BloomFilter filter = new BloomFilter(20L * n, 1);
    for (long i = 0; i < n; i++) {
      filter.add(key(i), 8);
    }
    for (long i = 0; i < n; i++) {
      assertThat(filter.mightContain(key(i), 8)).isTrue();
    }
    int falsePositives = 0;
    for (long i = n; i < 2L * n; i++) {
      falsePositives += filter.mightContain(key(i), 8) ? 1 : 0;
    }
    assertThat(falsePositives).as("expected about 0.1%").isLessThan(n / 200);
  }

  @Test
  void anotherSeedIsWrongAboutOtherStrings() {
    int n = 20_000;
    BloomFilter a = new BloomFilter(8L * n, 1); // small: about 2% false positives
    BloomFilter b = new BloomFilter(8L * n, 2);
    for (long i = 0; i < n; i++) {
      a.add(key(i), 8);
      b.add(key(i), 8);
    }
    int inA = 0;
    int inBoth = 0;
    for (long i = n; i < 3L * n; i++) {
      boolean fa = a.mightContain(key(i), 8);
      inA += fa ? 1 : 0;
      inBoth += fa && b.mightContain(key(i), 8) ? 1 : 0;
    }
    assertThat(inA).isGreaterThan(n / 200);
    assertThat(inBoth).as("independent: about 2% of them").isLessThan(inA / 10);
  }

  @Test
  void onlyTheBytesFromTheOffsetCount() {
    BloomFilter filter = new BloomFilter(1 << 16, 7);
    byte[] one = key(5);
    byte[] other = key(5);
    other[0] = 99; // the prefix before the offset differs
    filter.add(one, 8);
    assertThat(filter.mightContain(other, 8)).isTrue();
    assertThatThrownBy(() -> new BloomFilter(10, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.pincluster.state.rocksdb.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A Bloom filter for an unknown number of strings: {@link BloomFilter}s of {@code bitsPerString}
 * bits a string, each twice the size of the one before, a new one started when the newest is full,
 * until their bits reach {@code maxBits}; after that the newest takes the rest and its
 * false-positive rate rises ({@link #overfull}). {@link #mightContain} asks all of them, so its
 * false-positive rate is about the sum of theirs. One thread at a time.
 */
public final class GrowingBloomFilter {
  private final int bitsPerString;
  private final long maxBits;
  private final long seed;
  private final List<BloomFilter> filters = new ArrayList<>();
  private long totalBits;
  private long capacityLeft; // strings the newest filter takes before the next one starts
  private boolean overfull;

  /**
   * @param expected the strings the first filter is sized for (at least 64 bits' worth)
   * @param bitsPerString bits a string in each filter
   * @param maxBits the most bits the filters hold together (at least the first one's size)
   * @param seed seeds the filters (each its own seed derived from it)
   */
  public GrowingBloomFilter(long expected, int bitsPerString, long maxBits, long seed) {
    if (bitsPerString < 1 || maxBits < 64) {
      throw new IllegalArgumentException(
          "a growing Bloom filter of " + bitsPerString + " bits a string, " + maxBits + " bits");
    }
    this.bitsPerString = bitsPerString;
    this.maxBits = maxBits;
    this.seed = seed;
    start(Math.max(64, Math.min(maxBits, expected * bitsPerString)));
  }

  private void start(long bits) {
    BloomFilter filter = new BloomFilter(bits, seed + filters.size() * 0x9E3779B97F4A7C15L);
    filters.add(filter);
    totalBits += filter.bits();
    capacityLeft = filter.bits() / bitsPerString;
  }

  /** Adds {@code bytes[offset..]}. */
  public void add(byte[] bytes, int offset) {
    if (capacityLeft <= 0 && !overfull) {
      long next = 2 * filters.get(filters.size() - 1).bits();
      if (totalBits + next <= maxBits) {
        start(next);
      } else {
        overfull = true;
      }
    }
    filters.get(filters.size() - 1).add(bytes, offset);
    capacityLeft--;
  }

  /** False only when {@code bytes[offset..]} was never added. */
  public boolean mightContain(byte[] bytes, int offset) {
    for (int i = filters.size() - 1; i >= 0; i--) {
      if (filters.get(i).mightContain(bytes, offset)) {
        return true;
      }
    }
    return false;
  }

  /** The filters' bits together. */
  public long bits() {
    return totalBits;
  }

  /** True once more strings were added than the filters were sized for within {@code maxBits}. */
  public boolean overfull() {
    return overfull;
  }
}

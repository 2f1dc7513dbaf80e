package io.pincluster.state.rocksdb.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A Bloom filter over byte strings (the tail of an array from an offset): {@link #mightContain} is
 * true for everything {@link #add added}, and for others with a probability near {@code (1 - e^(-k
 * n / m))^k} ({@code m} bits, {@code k} = {@value #PROBES} probes, {@code n} added). The seed
 * decides which strings are false positives, so two filters with different seeds are wrong about
 * different strings. One thread at a time.
 */
public final class BloomFilter {
  static final int PROBES = 7;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long[] words;
  private final long bits;
  private final long seed;

  /**
   * @param bits the filter's size in bits, at least 64 (rounded up to a multiple of 64)
   */
  public BloomFilter(long bits, long seed) {
    if (bits < 64 || bits > 64L * Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a Bloom filter of " + bits + " bits");
    }
    this.words = new long[(int) ((bits + 63) / 64)];
    this.bits = 64L * words.length;
    this.seed = seed;
  }

  /** The size in bits. */
  public long bits() {
    return bits;
  }

  /** Adds {@code bytes[offset..]}. */
  public void add(byte[] bytes, int offset) {
    long h1 = hash(bytes, offset, seed);
    long h2 = fmix64(h1 ^ 0xC2B2AE3D27D4EB4FL) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, bits);
      words[(int) (bit >>> 6)] |= 1L << bit;
    }
  }

  /** False only when {@code bytes[offset..]} was never added. */
  public boolean mightContain(byte[] bytes, int offset) {
    long h1 = hash(bytes, offset, seed);
    long h2 = fmix64(h1 ^ 0xC2B2AE3D27D4EB4FL) | 1;
    for (int i = 0; i < PROBES; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, bits);
      if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** A seeded 64-bit hash of {@code b[off..]}: 8 bytes at a time, each step a bijective mix. */
  static long hash(byte[] b, int off, long seed) {
    long h = seed ^ ((b.length - off) * 0x9E3779B97F4A7C15L);
    int i = off;
    for (; i + 8 <= b.length; i += 8) {
      h = fmix64(h ^ (long) LONG_LE.get(b, i));
    }
    long tail = 0;
    for (int shift = 0; i < b.length; i++, shift += 8) {
      tail |= (b[i] & 0xFFL) << shift;
    }
    return fmix64(h ^ tail ^ 0x94D049BB133111EBL);
  }

  /** MurmurHash3's 64-bit finalizer. */
  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB9FE1A85EC53L;
    k ^= k >>> 33;
    return k;
  }
}

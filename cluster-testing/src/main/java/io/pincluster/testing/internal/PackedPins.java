package io.pincluster.testing.internal;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import io.pincluster.core.cid.Multihash;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * A large, fixed set of recursive pins loaded once from a file, kept packed so that millions fit in
 * a small heap: the binary CIDs back to back in 16 MB chunks (about 40 bytes a pin for a CIDv1 with
 * a sha2-256 multihash) plus an open-addressing table of entry numbers keyed by multihash (4 bytes
 * a slot, at most 60% full). 10 million pins take about 500 MB, where a map of {@code Cid} objects
 * would take several GB.
 *
 * <p>Immutable after {@link #load}; membership is by multihash, as for every pin of the fake.
 * Removal is kept by the caller (see {@link KuboState}), as a set of removed entry numbers.
 * Thread-safe for reads.
 */
final class PackedPins {
  private static final int CHUNK_BITS = 24;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int MAX_CHUNKS = 1 << (31 - CHUNK_BITS);

  private byte[][] chunks = new byte[0][];
  private int used = CHUNK; // bytes used in the last chunk; CHUNK forces a first chunk
  private int[] addresses = new int[1024]; // entry → chunk << CHUNK_BITS | offset
  private int count;
  private int[] table; // slot → entry + 1, 0 = empty
  private final BitSet duplicates = new BitSet();

  private PackedPins() {}

  /**
   * Reads one pin a line: a CID, or a JSON object with a {@code "cid":"<cid>"} field (such as a
   * line of {@code state export}); blank lines are skipped, repeated CIDs counted once.
   *
   * @throws IllegalArgumentException naming the file and line of a CID that does not parse
   * @throws IOException when the file cannot be read
   */
  static PackedPins load(Path file) throws IOException {
    PackedPins p = new PackedPins();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        String text = cidText(line.strip());
        if (text.isEmpty()) {
          continue;
        }
        try {
          p.append(Cid.parse(text));
        } catch (InvalidCidException e) {
          throw new IllegalArgumentException(
              file + " line " + n + ": " + e.getMessage() + " (one CID or {\"cid\":…} a line)", e);
        }
      }
    }
    p.index();
    return p;
  }

  private static String cidText(String line) {
    if (!line.startsWith("{")) {
      return line;
    }
    int key = line.indexOf("\"cid\"");
    int open = key < 0 ? -1 : line.indexOf('"', line.indexOf(':', key) + 1);
    int close = open < 0 ? -1 : line.indexOf('"', open + 1);
    if (close < 0) {
      throw new IllegalArgumentException("no \"cid\" string field in: " + line);
    }
    return line.substring(open + 1, close);
  }

  private void append(Cid cid) {
    byte[] bytes = cid.toBytes();
    int mhOffset = bytes.length - cid.multihash().bytes().length;
    int need = bytes.length + 2;
    if (bytes.length > 255) {
      throw new IllegalArgumentException("CID longer than 255 bytes: " + cid);
    }
    if (used + need > CHUNK) {
      if (chunks.length == MAX_CHUNKS) {
        throw new IllegalArgumentException("too many pins to preload (2 GB of CIDs)");
      }
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      chunks[chunks.length - 1] = new byte[CHUNK];
      used = 0;
    }
    byte[] c = chunks[chunks.length - 1];
    int at = used;
    c[at] = (byte) bytes.length;
    c[at + 1] = (byte) mhOffset;
    System.arraycopy(bytes, 0, c, at + 2, bytes.length);
    used += need;
    if (count == addresses.length) {
      addresses = Arrays.copyOf(addresses, addresses.length * 2);
    }
    addresses[count++] = (chunks.length - 1) << CHUNK_BITS | at;
  }

  /** Builds the table; entries equal (by multihash) to an earlier one become duplicates. */
  private void index() {
    addresses = Arrays.copyOf(addresses, count);
    int size = Integer.highestOneBit(Math.max(16, (int) Math.min(1L << 30, count * 5L / 3))) << 1;
    table = new int[size];
    for (int e = 0; e < count; e++) {
      byte[] c = chunks[addresses[e] >>> CHUNK_BITS];
      int at = addresses[e] & (CHUNK - 1);
      int mh = at + 2 + (c[at + 1] & 0xff);
      int end = at + 2 + (c[at] & 0xff);
      int slot = find(c, mh, end);
      if (table[slot] != 0) {
        duplicates.set(e);
      } else {
        table[slot] = e + 1;
      }
    }
  }

  /** The slot holding the multihash {@code b[from, to)}, or the empty slot where it would go. */
  private int find(byte[] b, int from, int to) {
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    int mask = table.length - 1;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      int e = table[slot] - 1;
      if (e < 0) {
        return slot;
      }
      byte[] c = chunks[addresses[e] >>> CHUNK_BITS];
      int at = addresses[e] & (CHUNK - 1);
      int mh = at + 2 + (c[at + 1] & 0xff);
      int end = at + 2 + (c[at] & 0xff);
      if (Arrays.equals(c, mh, end, b, from, to)) {
        return slot;
      }
    }
  }

  /** The entry number of {@code cid} (by multihash), or -1. */
  int indexOf(Cid cid) {
    return indexOf(cid.multihash());
  }

  /** The entry number of {@code multihash}, or -1. */
  int indexOf(Multihash multihash) {
    byte[] mh = multihash.bytes();
    return table[find(mh, 0, mh.length)] - 1;
  }

  /** Entry numbers run from 0 to {@code size() - 1}; duplicates included. */
  int size() {
    return count;
  }

  /** The entries that repeat an earlier one (never listed). */
  BitSet duplicates() {
    return (BitSet) duplicates.clone();
  }

  /** The CID of entry {@code e} as it was in the file. */
  Cid cid(int e) {
    byte[] c = chunks[addresses[e] >>> CHUNK_BITS];
    int at = addresses[e] & (CHUNK - 1);
    return Cid.fromBytes(Arrays.copyOfRange(c, at + 2, at + 2 + (c[at] & 0xff)));
  }

  /** Calls {@code action} with every entry number not in {@code skip}, in file order. */
  void forEach(BitSet skip, IntConsumer action) {
    for (int e = skip.nextClearBit(0); e < count; e = skip.nextClearBit(e + 1)) {
      action.accept(e);
    }
  }
}

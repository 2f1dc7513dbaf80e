package io.pincluster.core.cid;

import java.io.ByteArrayOutputStream;

/** Unsigned LEB128 varints as used by multiformats (at most 9 bytes, minimal encoding). */
public final class Varint {
  private Varint() {}

  /** A decoded value and the number of bytes it took. */
  public record Read(long value, int length) {}

  public static Read read(byte[] data, int offset) {
    long value = 0;
    for (int i = 0; i < 9; i++) {
      if (offset + i >= data.length) {
        throw new IllegalArgumentException("truncated varint at byte " + offset);
      }
      int b = data[offset + i] & 0xff;
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw new IllegalArgumentException("varint at byte " + offset + " is not minimal");
        }
        return new Read(value, i + 1);
      }
    }
    throw new IllegalArgumentException("varint at byte " + offset + " is longer than 9 bytes");
  }

  public static void write(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}

package io.pincluster.core.cid;

import java.util.Arrays;
import java.util.HexFormat;

/** A multihash: {@code varint(code) varint(length) digest}. Immutable; compared by its bytes. */
public final class Multihash {
  public static final int IDENTITY = 0x00;
  public static final int SHA2_256 = 0x12;

  private final byte[] bytes;
  private final long code;

  private Multihash(byte[] bytes, long code) {
    this.bytes = bytes;
    this.code = code;
  }

  /**
   * Validates and wraps the bytes of a whole multihash.
   *
   * @throws IllegalArgumentException when the length prefix disagrees with the digest
   */
  public static Multihash decode(byte[] data, int offset) {
    Varint.Read code = Varint.read(data, offset);
    Varint.Read length = Varint.read(data, offset + code.length());
    int digestStart = offset + code.length() + length.length();
    int available = data.length - digestStart;
    if (length.value() != available) {
      throw new IllegalArgumentException(
          "multihash declares a "
              + length.value()
              + "-byte digest but "
              + available
              + " bytes follow");
    }
    if (code.value() == SHA2_256 && length.value() != 32) {
      throw new IllegalArgumentException(
          "sha2-256 multihash must hold 32 bytes, not " + length.value());
    }
    return new Multihash(Arrays.copyOfRange(data, offset, data.length), code.value());
  }

  public static Multihash of(long code, byte[] digest) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Varint.write(out, code);
    Varint.write(out, digest.length);
    out.writeBytes(digest);
    return new Multihash(out.toByteArray(), code);
  }

  public long code() {
    return code;
  }

  /** A copy of the whole multihash. */
  public byte[] bytes() {
    return bytes.clone();
  }

  int length() {
    return bytes.length;
  }

  void copyTo(java.io.ByteArrayOutputStream out) {
    out.writeBytes(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash m && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}

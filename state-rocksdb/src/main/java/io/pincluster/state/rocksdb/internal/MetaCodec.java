package io.pincluster.state.rocksdb.internal;

import io.pincluster.state.rocksdb.LogPosition;
import java.nio.ByteBuffer;

/** Fixed-width big-endian encodings of the store's meta values. */
public final class MetaCodec {
  private MetaCodec() {}

  public static byte[] encodePosition(long term, long index) {
    return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
  }

  /** The stored position, or {@link LogPosition#NONE} when {@code raw} is null. */
  public static LogPosition decodePosition(byte[] raw) {
    if (raw == null) {
      return LogPosition.NONE;
    }
    if (raw.length != 16) {
      throw new IllegalStateException("applied position must be 16 bytes, is " + raw.length);
    }
    ByteBuffer b = ByteBuffer.wrap(raw);
    return new LogPosition(b.getLong(), b.getLong());
  }

  public static byte[] encodeLong(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }

  /** The stored value, or 0 when {@code raw} is null. */
  public static long decodeLong(byte[] raw) {
    if (raw == null) {
      return 0;
    }
    if (raw.length != 8) {
      throw new IllegalStateException("counter must be 8 bytes, is " + raw.length);
    }
    return ByteBuffer.wrap(raw).getLong();
  }
}

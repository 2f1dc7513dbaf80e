package io.pincluster.state.rocksdb.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.pintracker.Failure;
import io.pincluster.pintracker.KnownPin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * The tracker store's binary layout.
 *
 * <p>{@code pinned} keys are {@code generation (8 bytes, big-endian) ‖ multihash}; values are
 * {@code version (2) ‖ flags ‖ stamp (unsigned varint) ‖ mode ‖ CID bytes}, flags being {@link
 * #TRACKED} and {@link #TOMBSTONE} (removed during a rebuild; no mode or CID follows); the stamp is
 * the rebuild epoch in which the tracker wrote the record, 0 for a record a listing wrote. Version
 * 1 values ({@code version ‖ flags ‖ mode ‖ CID}, written by earlier releases) read as stamp 0.
 * {@code failures} keys are the multihash; values are {@code version (1) ‖ kind ‖ requeued ‖
 * attempts (int) ‖ epoch seconds (long) ‖ nanos (int) ‖ CID length (int) ‖ CID ‖ error length (int)
 * ‖ error (UTF-8)}.
 */
public final class TrackerCodec {
  static final byte VERSION = 1;
  static final byte PINNED_VERSION = 2;
  static final int TRACKED = 1;
  static final int TOMBSTONE = 4;

  private TrackerCodec() {}

  /**
   * A decoded {@code pinned} value: a pin (null for a tombstone) and the epoch of the rebuild
   * during which the tracker wrote it (0: a listing wrote it).
   */
  public record Slot(KnownPin pin, long stamp) {
    public boolean isTombstone() {
      return pin == null;
    }
  }

  public static byte[] generation(long gen) {
    return ByteBuffer.allocate(8).putLong(gen).array();
  }

  public static long decodeGeneration(byte[] raw) {
    return raw == null ? 0 : ByteBuffer.wrap(raw).getLong();
  }

  public static byte[] pinnedKey(long gen, Multihash mh) {
    byte[] m = mh.bytes();
    return ByteBuffer.allocate(8 + m.length).putLong(gen).put(m).array();
  }

  /** The multihash part of a {@code pinned} key. */
  public static Multihash multihashOf(byte[] pinnedKey) {
    return Multihash.decode(Arrays.copyOfRange(pinnedKey, 8, pinnedKey.length), 0);
  }

  public static boolean hasGeneration(byte[] key, long gen) {
    return key.length > 8 && ByteBuffer.wrap(key, 0, 8).getLong() == gen;
  }

  /** {@code pin}, written by the tracker in epoch {@code stamp} (0: by a listing). */
  public static byte[] encodePinned(KnownPin pin, long stamp) {
    byte[] cid = pin.cid().toBytes();
    byte[] out = new byte[2 + varintLength(stamp) + 1 + cid.length];
    int at = header(out, pin.tracked() ? TRACKED : 0, stamp);
    out[at] = (byte) (pin.mode() == PinMode.RECURSIVE ? 0 : 1);
    System.arraycopy(cid, 0, out, at + 1, cid.length);
    return out;
  }

  /** A removal by the tracker in epoch {@code stamp}. */
  public static byte[] tombstone(long stamp) {
    byte[] out = new byte[2 + varintLength(stamp)];
    header(out, TOMBSTONE, stamp);
    return out;
  }

  /** Writes version, flags and stamp; returns the index after them. */
  private static int header(byte[] out, int flags, long stamp) {
    out[0] = PINNED_VERSION;
    out[1] = (byte) flags;
    int at = 2;
    long v = stamp;
    while ((v & ~0x7FL) != 0) {
      out[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    return at;
  }

  private static int varintLength(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /**
   * @throws IllegalArgumentException when the value is not one this codec wrote
   */
  public static Slot decodePinned(byte[] raw) {
    long stamp = stampOf(raw);
    if (isTombstone(raw)) {
      return new Slot(null, stamp);
    }
    PinMode mode = modeOf(raw);
    Cid cid = Cid.fromBytes(Arrays.copyOfRange(raw, bodyOffset(raw) + 1, raw.length));
    return new Slot(new KnownPin(cid, mode, (raw[1] & TRACKED) != 0), stamp);
  }

  /**
   * The stamp of a {@code pinned} value, without decoding the rest.
   *
   * @throws IllegalArgumentException when the value is not one this codec wrote
   */
  public static long stampOf(byte[] raw) {
    checkVersion(raw);
    long stamp = 0;
    if (raw[0] == PINNED_VERSION) {
      int at = 2;
      for (int shift = 0; ; shift += 7) {
        if (at >= raw.length || shift > 63) {
          throw new IllegalArgumentException("truncated tracker pin record");
        }
        byte b = raw[at++];
        stamp |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          break;
        }
      }
    }
    return stamp;
  }

  /**
   * Whether a {@code pinned} value is a tombstone.
   *
   * @throws IllegalArgumentException when the value is not one this codec wrote
   */
  public static boolean isTombstone(byte[] raw) {
    checkVersion(raw);
    return (raw[1] & TOMBSTONE) != 0;
  }

  /**
   * The mode of a {@code pinned} value that is not a tombstone, without decoding its CID.
   *
   * @throws IllegalArgumentException when the value is not one this codec wrote
   */
  public static PinMode modeOf(byte[] raw) {
    int at = bodyOffset(raw);
    if (isTombstone(raw) || at >= raw.length) {
      throw new IllegalArgumentException("truncated tracker pin record");
    }
    return raw[at] == 0 ? PinMode.RECURSIVE : PinMode.DIRECT;
  }

  /** Where the mode byte is: after version, flags and (version 2) the stamp. */
  private static int bodyOffset(byte[] raw) {
    checkVersion(raw);
    int at = 2;
    if (raw[0] == PINNED_VERSION) {
      while (at < raw.length && raw[at] < 0) {
        at++;
      }
      at++;
    }
    return at;
  }

  private static void checkVersion(byte[] raw) {
    if (raw.length < 2 || (raw[0] != VERSION && raw[0] != PINNED_VERSION)) {
      throw new IllegalArgumentException("unknown tracker pin record format");
    }
  }

  public static byte[] encodeFailure(Failure f) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] cid = f.cid().toBytes();
      byte[] error = f.error().getBytes(UTF_8);
      out.writeByte(VERSION);
      out.writeByte(kindCode(f.kind()));
      out.writeBoolean(f.requeued());
      out.writeInt(f.attempts());
      out.writeLong(f.timestamp().getEpochSecond());
      out.writeInt(f.timestamp().getNano());
      out.writeInt(cid.length);
      out.write(cid);
      out.writeInt(error.length);
      out.write(error);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException when the value is not one this codec wrote
   */
  public static Failure decodeFailure(byte[] raw) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
      if (in.readByte() != VERSION) {
        throw new IllegalArgumentException("unknown tracker failure record format");
      }
      Failure.Kind kind = kindOf(in.readByte());
      boolean requeued = in.readBoolean();
      int attempts = in.readInt();
      Instant timestamp = Instant.ofEpochSecond(in.readLong(), in.readInt());
      Cid cid = Cid.fromBytes(in.readNBytes(in.readInt()));
      String error = new String(in.readNBytes(in.readInt()), UTF_8);
      return new Failure(cid, kind, error, attempts, timestamp, requeued);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated tracker failure record", e);
    }
  }

  private static int kindCode(Failure.Kind kind) {
    return switch (kind) {
      case PIN_ERROR -> 0;
      case UNPIN_ERROR -> 1;
      case UNEXPECTEDLY_UNPINNED -> 2;
    };
  }

  private static Failure.Kind kindOf(int code) {
    return switch (code) {
      case 0 -> Failure.Kind.PIN_ERROR;
      case 1 -> Failure.Kind.UNPIN_ERROR;
      case 2 -> Failure.Kind.UNEXPECTEDLY_UNPINNED;
      default -> throw new IllegalArgumentException("unknown failure kind " + code);
    };
  }
}

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
 * {@code version (1) ‖ flags ‖ mode ‖ CID bytes}, flags being {@link #TRACKED}, {@link #WRITTEN}
 * (written by the tracker during a rebuild, as opposed to listed by IPFS) and {@link #TOMBSTONE}
 * (removed during a rebuild; no mode or CID follows). {@code failures} keys are the multihash;
 * values are {@code version (1) ‖ kind ‖ requeued ‖ attempts (int) ‖ epoch seconds (long) ‖ nanos
 * (int) ‖ CID length (int) ‖ CID ‖ error length (int) ‖ error (UTF-8)}.
 */
public final class TrackerCodec {
  static final byte VERSION = 1;
  static final int TRACKED = 1;
  static final int WRITTEN = 2;
  static final int TOMBSTONE = 4;

  private static final byte[] TOMBSTONE_VALUE = {VERSION, TOMBSTONE};

  private TrackerCodec() {}

  /** A decoded {@code pinned} value: a pin (null for a tombstone) and whether it was written. */
  public record Slot(KnownPin pin, boolean written) {
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

  public static byte[] encodePinned(KnownPin pin, boolean written) {
    byte[] cid = pin.cid().toBytes();
    int flags = (pin.tracked() ? TRACKED : 0) | (written ? WRITTEN : 0);
    byte mode = (byte) (pin.mode() == PinMode.RECURSIVE ? 0 : 1);
    return ByteBuffer.allocate(3 + cid.length)
        .put(VERSION)
        .put((byte) flags)
        .put(mode)
        .put(cid)
        .array();
  }

  public static byte[] tombstone() {
    return TOMBSTONE_VALUE.clone();
  }

  /**
   * @throws IllegalArgumentException when the value is not one this codec wrote
   */
  public static Slot decodePinned(byte[] raw) {
    if (raw.length < 2 || raw[0] != VERSION) {
      throw new IllegalArgumentException("unknown tracker pin record format");
    }
    int flags = raw[1];
    if ((flags & TOMBSTONE) != 0) {
      return new Slot(null, true);
    }
    PinMode mode = raw[2] == 0 ? PinMode.RECURSIVE : PinMode.DIRECT;
    Cid cid = Cid.fromBytes(Arrays.copyOfRange(raw, 3, raw.length));
    return new Slot(new KnownPin(cid, mode, (flags & TRACKED) != 0), (flags & WRITTEN) != 0);
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

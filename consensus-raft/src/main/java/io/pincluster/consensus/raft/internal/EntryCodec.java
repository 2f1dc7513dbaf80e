package io.pincluster.consensus.raft.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.json.StoredPins;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.StateOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary format of Raft entries (a batch of state operations) and of their replies (one result
 * per operation). Stateless and thread-safe.
 *
 * <pre>
 * entry  := version:u8(=1) requestId:i64 count:i32 op{count}
 * op     := tag:u8 length:i32 payload[length]
 *   tag 1 PutPin      payload = Pin JSON
 *   tag 2 RemovePin   payload = CID bytes
 *   tag 3 PutPeer     payload = PeerRecord JSON
 *   tag 4 RemovePeer  payload = peer ID text (UTF-8)
 * reply  := version:u8(=1) count:i32 result{count}
 * result := status:u8 (OpResult.Status ordinal) pinLength:i32 (-1 = none) pin JSON
 *           errorLength:i32 error UTF-8
 * </pre>
 *
 * The request ID is chosen by the proposer and only identifies the request in logs and in the
 * client's retry bookkeeping; apply ignores it. An operation whose payload does not decode becomes
 * an {@link Decoded#error() error} in its slot; a broken frame (truncated, trailing bytes) makes
 * the whole entry undecodable. An entry whose version this build does not know is neither: it is an
 * {@link UnsupportedVersionException}, which the state machine must not guess its way around.
 */
public final class EntryCodec {
  /** The entry (and reply) format this build writes and the only one it applies. */
  public static final byte VERSION = 1;

  private static final byte PUT_PIN = 1;
  private static final byte REMOVE_PIN = 2;
  private static final byte PUT_PEER = 3;
  private static final byte REMOVE_PEER = 4;
  private static final byte REPLACE_PIN = 5;
  private static final OpResult.Status[] STATUSES = OpResult.Status.values();

  private EntryCodec() {}

  /** One decoded operation slot: either {@code op} or an {@code error}. */
  public record Decoded(StateOp op, String error) {}

  /** A decoded entry. */
  public record Entry(long requestId, List<Decoded> ops) {}

  /** Thrown when an entry or reply frame cannot be decoded at all. */
  public static class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /** Thrown for a well-framed entry of a version this build does not know. */
  public static final class UnsupportedVersionException extends MalformedException {
    private static final long serialVersionUID = 1L;
    private final int version;

    UnsupportedVersionException(int version) {
      super("unknown entry version " + version + " (this build applies version " + VERSION + ")");
      this.version = version;
    }

    public int version() {
      return version;
    }
  }

  /** The version byte of an encoded entry, or -1 when it is empty. */
  public static int version(byte[] data) {
    return data.length == 0 ? -1 : data[0] & 0xff;
  }

  /** The encoded form of one operation ({@code tag length payload}), for {@link #encodeFrames}. */
  public static byte[] encodeOp(StateOp op) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(340);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeOp(out, op);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The size of an entry header (version, request ID, count). */
  public static final int HEADER_BYTES = 1 + 8 + 4;

  /** An entry of already encoded operations ({@link #encodeOp}). */
  public static byte[] encodeFrames(long requestId, List<byte[]> frames) {
    int size = HEADER_BYTES;
    for (byte[] f : frames) {
      size += f.length;
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(size);
    b.put(VERSION).putLong(requestId).putInt(frames.size());
    frames.forEach(b::put);
    return b.array();
  }

  public static byte[] encodeEntry(long requestId, List<StateOp> ops) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 320 * ops.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(requestId);
      out.writeInt(ops.size());
      for (StateOp op : ops) {
        writeOp(out, op);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeOp(DataOutputStream out, StateOp op) throws IOException {
    if (op instanceof StateOp.PutPin p) {
      writeFrame(out, PUT_PIN, Json.write(p.pin()));
    } else if (op instanceof StateOp.RemovePin r) {
      writeFrame(out, REMOVE_PIN, r.cid().toBytes());
    } else if (op instanceof StateOp.ReplacePin r) {
      writeFrame(out, REPLACE_PIN, replacePayload(r));
    } else if (op instanceof StateOp.PutPeer p) {
      writeFrame(out, PUT_PEER, Json.write(p.record()));
    } else if (op instanceof StateOp.RemovePeer r) {
      writeFrame(out, REMOVE_PEER, r.id().toString().getBytes(UTF_8));
    } else {
      throw new IllegalArgumentException("cannot encode operation " + op);
    }
  }

  private static void writeFrame(DataOutputStream out, byte tag, byte[] payload)
      throws IOException {
    out.writeByte(tag);
    out.writeInt(payload.length);
    out.write(payload);
  }

  /** The request ID of an encoded entry, or -1 when {@code data} is too short or not ours. */
  public static long requestId(byte[] header) {
    if (header.length < 9 || header[0] != VERSION) {
      return -1;
    }
    long id = 0;
    for (int i = 1; i < 9; i++) {
      id = (id << 8) | (header[i] & 0xff);
    }
    return id;
  }

  public static Entry decodeEntry(byte[] data) throws MalformedException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new UnsupportedVersionException(version);
      }
      long requestId = in.readLong();
      int count = in.readInt();
      if (count < 0) {
        throw new MalformedException("negative operation count " + count);
      }
      List<Decoded> ops = new ArrayList<>(Math.min(count, 4096));
      for (int i = 0; i < count; i++) {
        byte tag = in.readByte();
        ops.add(decodeOp(tag, readBytes(in)));
      }
      if (in.read() != -1) {
        throw new MalformedException("trailing bytes after " + count + " operations");
      }
      return new Entry(requestId, ops);
    } catch (EOFException e) {
      throw new MalformedException("truncated entry");
    } catch (IOException e) {
      throw new MalformedException("unreadable entry: " + e.getMessage());
    }
  }

  private static Decoded decodeOp(byte tag, byte[] payload) {
    try {
      StateOp op =
          switch (tag) {
            case PUT_PIN -> new StateOp.PutPin(StoredPins.read(payload), payload);
            case REMOVE_PIN -> new StateOp.RemovePin(Cid.fromBytes(payload));
            case PUT_PEER -> new StateOp.PutPeer(Json.read(payload, PeerRecord.class));
            case REMOVE_PEER -> new StateOp.RemovePeer(PeerId.parse(new String(payload, UTF_8)));
            case REPLACE_PIN -> readReplace(payload);
            default -> null;
          };
      return op == null ? new Decoded(null, "unknown operation tag " + tag) : new Decoded(op, null);
    } catch (RuntimeException e) {
      return new Decoded(null, "undecodable operation (tag " + tag + "): " + e.getMessage());
    }
  }

  /** {@code expectedLength:i32 expected-JSON pin-JSON} */
  private static byte[] replacePayload(StateOp.ReplacePin r) {
    byte[] expected = Json.write(r.expected());
    byte[] pin = Json.write(r.pin());
    return java.nio.ByteBuffer.allocate(4 + expected.length + pin.length)
        .putInt(expected.length)
        .put(expected)
        .put(pin)
        .array();
  }

  private static StateOp.ReplacePin readReplace(byte[] payload) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("bad expected-pin length " + n);
    }
    byte[] expected = new byte[n];
    b.get(expected);
    byte[] pin = new byte[b.remaining()];
    b.get(pin);
    return new StateOp.ReplacePin(StoredPins.read(expected), StoredPins.read(pin));
  }

  public static byte[] encodeResults(List<OpResult> results) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 8 * results.size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(results.size());
      for (OpResult r : results) {
        out.writeByte(r.status().ordinal());
        byte[] pin = r.pin() == null ? null : Json.write(r.pin());
        out.writeInt(pin == null ? -1 : pin.length);
        if (pin != null) {
          out.write(pin);
        }
        byte[] error = r.error().getBytes(UTF_8);
        out.writeInt(error.length);
        out.write(error);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static List<OpResult> decodeResults(byte[] data) throws MalformedException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new MalformedException("unknown reply version " + version);
      }
      int count = in.readInt();
      List<OpResult> out = new ArrayList<>(Math.max(0, Math.min(count, 4096)));
      for (int i = 0; i < count; i++) {
        int status = in.readUnsignedByte();
        if (status >= STATUSES.length) {
          throw new MalformedException("unknown result status " + status);
        }
        int pinLength = in.readInt();
        Pin pin = pinLength < 0 ? null : StoredPins.read(readExactly(in, pinLength));
        String error = new String(readBytes(in), UTF_8);
        out.add(new OpResult(STATUSES[status], pin, error));
      }
      return out;
    } catch (EOFException e) {
      throw new MalformedException("truncated reply");
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedException("unreadable reply: " + e.getMessage());
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    return readExactly(in, in.readInt());
  }

  /** Reads {@code length} bytes; the stream is over a byte array, so available() is exact. */
  private static byte[] readExactly(DataInputStream in, int length) throws IOException {
    if (length < 0 || length > in.available()) {
      throw new EOFException();
    }
    return in.readNBytes(length);
  }
}

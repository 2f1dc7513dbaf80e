package io.pincluster.testing.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little CBOR a CAR header needs: unsigned integers, byte and text strings, arrays, maps, tags
 * (tag 42 links) and the simple values; decoded into Java values ({@link Tagged} for tags). Not a
 * general CBOR library. Stateless.
 */
public final class MiniCbor {
  /** A tagged value, e.g. tag 42 around the bytes of a CID link. */
  public record Tagged(long tag, Object value) {}

  /** A decoded value and where the next one starts. */
  public record Decoded(Object value, int end) {}

  private MiniCbor() {}

  /**
   * Decodes one value starting at {@code offset}.
   *
   * @throws IllegalArgumentException when the bytes are not CBOR this decoder knows
   */
  public static Decoded decode(byte[] data, int offset) {
    int[] pos = {offset};
    Object v = read(data, pos, 0);
    return new Decoded(v, pos[0]);
  }

  private static Object read(byte[] data, int[] pos, int depth) {
    if (depth > 16) {
      throw new IllegalArgumentException("CBOR nested too deeply");
    }
    int initial = u8(data, pos);
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (major == 7) {
      return switch (info) {
        case 20 -> Boolean.FALSE;
        case 21 -> Boolean.TRUE;
        case 22, 23 -> null;
        default -> throw new IllegalArgumentException("unsupported CBOR simple value " + info);
      };
    }
    long n = argument(data, pos, info);
    return switch (major) {
      case 0 -> n;
      case 1 -> -1 - n;
      case 2 -> bytes(data, pos, n);
      case 3 -> new String(bytes(data, pos, n), StandardCharsets.UTF_8);
      case 4 -> {
        List<Object> list = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          list.add(read(data, pos, depth + 1));
        }
        yield list;
      }
      case 5 -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
          Object k = read(data, pos, depth + 1);
          map.put(k, read(data, pos, depth + 1));
        }
        yield map;
      }
      case 6 -> new Tagged(n, read(data, pos, depth + 1));
      default -> throw new IllegalArgumentException("unsupported CBOR major type " + major);
    };
  }

  private static long argument(byte[] data, int[] pos, int info) {
    if (info < 24) {
      return info;
    }
    int len =
        switch (info) {
          case 24 -> 1;
          case 25 -> 2;
          case 26 -> 4;
          case 27 -> 8;
          default -> throw new IllegalArgumentException("unsupported CBOR length " + info);
        };
    long v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | u8(data, pos);
    }
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("CBOR length out of range: " + v);
    }
    return v;
  }

  private static byte[] bytes(byte[] data, int[] pos, long n) {
    if (pos[0] + n > data.length) {
      throw new IllegalArgumentException("CBOR string runs past the end");
    }
    byte[] out = java.util.Arrays.copyOfRange(data, pos[0], (int) (pos[0] + n));
    pos[0] += (int) n;
    return out;
  }

  private static int u8(byte[] data, int[] pos) {
    if (pos[0] >= data.length) {
      throw new IllegalArgumentException("CBOR ends early");
    }
    return data[pos[0]++] & 0xff;
  }

  // ---- encoding ----

  /** Writes the head of a value of major type {@code major} with argument {@code n}. */
  public static void head(ByteArrayOutputStream out, int major, long n) {
    if (n < 24) {
      out.write((major << 5) | (int) n);
    } else if (n < 0x100) {
      out.write((major << 5) | 24);
      out.write((int) n);
    } else if (n < 0x10000) {
      out.write((major << 5) | 25);
      out.write((int) (n >>> 8));
      out.write((int) n);
    } else {
      out.write((major << 5) | 26);
      for (int s = 24; s >= 0; s -= 8) {
        out.write((int) (n >>> s));
      }
    }
  }

  /** A text string. */
  public static void text(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    head(out, 3, b.length);
    out.writeBytes(b);
  }
}

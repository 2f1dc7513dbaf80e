package io.pincluster.ipfs.internal;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Varint;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Finds the roots of the CAR inside a multipart {@code dag/import} body by watching the bytes as
 * they are sent (nodes report the roots only when they pin them, and pincluster imports without
 * pinning). Keeps at most the first {@link #MAX_HEAD} bytes; reads the first part's CAR v1 header
 * ({@code {"roots":[…],"version":1}} in dag-cbor). Not thread-safe: one reader, then {@link
 * #roots()}.
 */
public final class CarRoots extends FilterInputStream {
  /** Enough for the multipart head and a CAR header with thousands of roots. */
  static final int MAX_HEAD = 256 * 1024;

  private final ByteArrayOutputStream head = new ByteArrayOutputStream();

  public CarRoots(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0 && head.size() < MAX_HEAD) {
      head.write(b);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0 && head.size() < MAX_HEAD) {
      head.write(buf, off, Math.min(n, MAX_HEAD - head.size()));
    }
    return n;
  }

  /**
   * The roots in the header of the CAR seen so far, or empty when the bytes seen do not start with
   * a multipart part holding a CAR v1 header.
   */
  public Optional<List<Cid>> roots() {
    byte[] data = head.toByteArray();
    int start = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (start < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(data, start + 4));
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /** The roots of a CAR v1 header starting at {@code offset} (its length varint). */
  static List<Cid> parse(byte[] data, int offset) {
    Varint.Read length = Varint.read(data, offset);
    int[] pos = {offset + length.length()};
    int end = (int) Math.min(data.length, pos[0] + length.value());
    byte[] header = Arrays.copyOfRange(data, pos[0], end);
    pos[0] = 0;
    long entries = mapHead(header, pos);
    List<Cid> roots = null;
    long version = -1;
    for (long i = 0; i < entries; i++) {
      String key = text(header, pos);
      if (key.equals("roots")) {
        roots = links(header, pos);
      } else if (key.equals("version")) {
        version = argument(header, pos, 0);
      } else {
        throw new IllegalArgumentException("unexpected CAR header key " + key);
      }
    }
    if (version != 1 || roots == null) {
      throw new IllegalArgumentException("not a CAR v1 header");
    }
    return roots;
  }

  private static long mapHead(byte[] d, int[] pos) {
    return argument(d, pos, 5);
  }

  private static String text(byte[] d, int[] pos) {
    int n = (int) argument(d, pos, 3);
    String s = new String(d, pos[0], n, StandardCharsets.UTF_8);
    pos[0] += n;
    return s;
  }

  private static List<Cid> links(byte[] d, int[] pos) {
    long n = argument(d, pos, 4);
    List<Cid> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      if (argument(d, pos, 6) != 42) {
        throw new IllegalArgumentException("a CAR root is not a CID link");
      }
      int len = (int) argument(d, pos, 2);
      if (len < 2 || d[pos[0]] != 0) {
        throw new IllegalArgumentException("a CAR root is not a CID link");
      }
      out.add(Cid.fromBytes(Arrays.copyOfRange(d, pos[0] + 1, pos[0] + len)));
      pos[0] += len;
    }
    return out;
  }

  /** Reads a CBOR head of major type {@code major}; returns its argument. */
  private static long argument(byte[] d, int[] pos, int major) {
    int initial = d[pos[0]++] & 0xff;
    if (initial >>> 5 != major) {
      throw new IllegalArgumentException("unexpected CBOR type in a CAR header");
    }
    int info = initial & 0x1f;
    if (info < 24) {
      return info;
    }
    int bytes =
        switch (info) {
          case 24 -> 1;
          case 25 -> 2;
          case 26 -> 4;
          default -> throw new IllegalArgumentException("CBOR length too large in a CAR header");
        };
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (d[pos[0]++] & 0xff);
    }
    return v;
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

package io.pincluster.testing;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Varint;
import io.pincluster.testing.internal.MiniCbor;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads CAR (v1) files, the format of {@code dag/import} and of {@code POST
 * /add?format=car}: a dag-cbor header {@code {"roots":[…],"version":1}}, then each block as its
 * length, CID and bytes. For tests and fakes; whole files in memory. Stateless.
 */
public final class CarFiles {
  /** A CAR's roots and blocks (in file order). */
  public record Car(List<Cid> roots, Map<Cid, byte[]> blocks) {}

  private CarFiles() {}

  /** A CAR v1 holding {@code blocks} with these roots. */
  public static byte[] write(List<Cid> roots, Map<Cid, byte[]> blocks) {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    MiniCbor.head(header, 5, 2);
    MiniCbor.text(header, "roots");
    MiniCbor.head(header, 4, roots.size());
    for (Cid root : roots) {
      byte[] cid = root.toBytes();
      MiniCbor.head(header, 6, 42);
      MiniCbor.head(header, 2, cid.length + 1L);
      header.write(0);
      header.writeBytes(cid);
    }
    MiniCbor.text(header, "version");
    MiniCbor.head(header, 0, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Varint.write(out, header.size());
    out.writeBytes(header.toByteArray());
    blocks.forEach(
        (cid, data) -> {
          byte[] c = cid.toBytes();
          Varint.write(out, (long) c.length + data.length);
          out.writeBytes(c);
          out.writeBytes(data);
        });
    return out.toByteArray();
  }

  /**
   * Reads a CAR v1.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static Car read(byte[] data) {
    int pos = 0;
    Varint.Read headerLength = Varint.read(data, pos);
    pos += headerLength.length();
    if (headerLength.value() <= 0 || pos + headerLength.value() > data.length) {
      throw new IllegalArgumentException("invalid CAR header length " + headerLength.value());
    }
    List<Cid> roots = roots(data, pos);
    pos += (int) headerLength.value();
    Map<Cid, byte[]> blocks = new LinkedHashMap<>();
    while (pos < data.length) {
      Varint.Read len = Varint.read(data, pos);
      pos += len.length();
      int end = (int) (pos + len.value());
      if (len.value() <= 0 || end > data.length) {
        throw new IllegalArgumentException("CAR block runs past the end of the file");
      }
      int cidLength = cidLength(data, pos);
      Cid cid = Cid.fromBytes(Arrays.copyOfRange(data, pos, pos + cidLength));
      blocks.put(cid, Arrays.copyOfRange(data, pos + cidLength, end));
      pos = end;
    }
    return new Car(roots, blocks);
  }

  /** The roots of the header that starts at {@code offset}. */
  public static List<Cid> roots(byte[] data, int offset) {
    Object header = MiniCbor.decode(data, offset).value();
    if (!(header instanceof Map<?, ?> map) || !Long.valueOf(1).equals(map.get("version"))) {
      throw new IllegalArgumentException("not a CAR v1 header: " + header);
    }
    List<Cid> roots = new ArrayList<>();
    if (!(map.get("roots") instanceof List<?> list)) {
      throw new IllegalArgumentException("the CAR header has no roots");
    }
    for (Object o : list) {
      if (!(o instanceof MiniCbor.Tagged t)
          || t.tag() != 42
          || !(t.value() instanceof byte[] b)
          || b.length < 2
          || b[0] != 0) {
        throw new IllegalArgumentException("a CAR root is not a CID link: " + o);
      }
      roots.add(Cid.fromBytes(Arrays.copyOfRange(b, 1, b.length)));
    }
    return roots;
  }

  private static int cidLength(byte[] data, int pos) {
    if (pos + 1 < data.length && data[pos] == 0x12 && data[pos + 1] == 0x20) {
      return 34;
    }
    int p = pos;
    for (int i = 0; i < 3; i++) { // version, codec, multihash code
      p += Varint.read(data, p).length();
    }
    Varint.Read digest = Varint.read(data, p);
    return (int) (p + digest.length() + digest.value() - pos);
  }
}

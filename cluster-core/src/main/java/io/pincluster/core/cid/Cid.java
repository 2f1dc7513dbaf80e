package io.pincluster.core.cid;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A content identifier, CIDv0 or CIDv1. Immutable and thread-safe.
 *
 * <p>Two CIDs are equal when version, codec and multihash are equal, whatever multibase their text
 * used. The canonical text is base58btc for v0 ({@code Qm…}) and base32 for v1 ({@code b…}). The
 * binary form ({@link #toBytes()}) is the key the pinset is stored and ordered by.
 */
public final class Cid implements Comparable<Cid> {
  public static final long DAG_PB = 0x70;
  public static final long RAW = 0x55;
  public static final long LIBP2P_KEY = 0x72;

  private final int version;
  private final long codec;
  private final Multihash multihash;
  private final byte[] bytes;

  /**
   * The canonical text, computed on first use: listing streams write each CID once or more, and a
   * CID read from the pinset's key has it computed to check the stored text. A benign race (as
   * {@link String#hashCode}): two threads may both compute the same string.
   */
  private String text;

  /** {@link #hashCode}, computed on first use (0 until then). */
  private int hash;

  private Cid(int version, long codec, Multihash multihash) {
    this(version, codec, multihash, binary(version, codec, multihash));
  }

  /** {@code bytes} must be this CID's binary form, owned by the new CID from now on. */
  private Cid(int version, long codec, Multihash multihash, byte[] bytes) {
    this.version = version;
    this.codec = codec;
    this.multihash = multihash;
    this.bytes = bytes;
  }

  private static byte[] binary(int version, long codec, Multihash multihash) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (version == 1) {
      Varint.write(out, 1);
      Varint.write(out, codec);
    }
    multihash.copyTo(out);
    return out.toByteArray();
  }

  /** A CIDv1 with the given codec and multihash. */
  public static Cid v1(long codec, Multihash multihash) {
    return new Cid(1, codec, multihash);
  }

  /** A CIDv0 (dag-pb, sha2-256). */
  public static Cid v0(Multihash multihash) {
    if (multihash.code() != Multihash.SHA2_256) {
      throw new InvalidCidException("a CIDv0 must use a sha2-256 multihash");
    }
    return new Cid(0, DAG_PB, multihash);
  }

  /**
   * Parses CID text: CIDv0 ({@code Qm…}, base58btc) or CIDv1 in base32 ({@code b}), base58btc
   * ({@code z}), base36 ({@code k}) or base16 ({@code f}).
   *
   * @throws InvalidCidException with a message that quotes the text and says what is wrong
   */
  @JsonCreator
  public static Cid parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidCidException("invalid CID: empty string");
    }
    try {
      if (text.length() == 46 && text.startsWith("Qm")) {
        Cid v0 = decode(Base58.decode(text));
        // base58 of a number without leading zero bytes has one spelling: this is the text.
        v0.text = text;
        return v0;
      }
      if (text.startsWith("Qm")) {
        throw new IllegalArgumentException(
            "a CIDv0 is 46 characters long, this is " + text.length());
      }
      byte[] decoded = Multibase.decode(text);
      if (decoded.length > 0 && decoded[0] == Multihash.SHA2_256) {
        throw new IllegalArgumentException("a CIDv0 must be written in base58btc (Qm…)");
      }
      Cid cid = decode(decoded);
      if (text.charAt(0) == 'b' && Base32.isCanonical(text, 1, decoded.length)) {
        cid.text = text; // already the canonical text: toString need not encode it again
      }
      return cid;
    } catch (IllegalArgumentException e) {
      throw new InvalidCidException(
          "invalid CID \"" + abbreviate(text) + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes the binary form of a CID (a bare sha2-256 multihash for v0).
   *
   * @throws InvalidCidException when the bytes are not a CID
   */
  public static Cid fromBytes(byte[] data) {
    try {
      return decode(data.clone());
    } catch (IllegalArgumentException e) {
      throw new InvalidCidException("invalid CID bytes: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes binary CID bytes, which the new CID keeps (the caller must not change them); throws a
   * bare IllegalArgumentException saying what is wrong.
   */
  private static Cid decode(byte[] data) {
    if (data.length == 34 && data[0] == Multihash.SHA2_256 && data[1] == 32) {
      return new Cid(0, DAG_PB, Multihash.decode(data, 0), data);
    }
    Varint.Read version = Varint.read(data, 0);
    if (version.value() != 1) {
      throw new IllegalArgumentException("unsupported CID version " + version.value());
    }
    Varint.Read codec = Varint.read(data, version.length());
    Multihash mh = Multihash.decode(data, version.length() + codec.length());
    return new Cid(1, codec.value(), mh, data);
  }

  public int version() {
    return version;
  }

  public long codec() {
    return codec;
  }

  public Multihash multihash() {
    return multihash;
  }

  /** The binary form; a copy. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The same content addressed as a CIDv1 (a v1 CID is returned unchanged). */
  public Cid toV1() {
    return version == 1 ? this : new Cid(1, codec, multihash);
  }

  /** The canonical text: base58btc for v0, base32 for v1. */
  @JsonValue
  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      t = version == 0 ? Base58.encode(bytes) : Multibase.encodeBase32(bytes);
      text = t;
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cid c && Arrays.equals(bytes, c.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h; // benign race, as for text; 0 is recomputed each time, which is still correct
    }
    return h;
  }

  /** Orders by the binary form, unsigned, which is the order the pinset is stored in. */
  @Override
  public int compareTo(Cid o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  private static String abbreviate(String text) {
    return text.length() <= 100 ? text : text.substring(0, 97) + "...";
  }
}

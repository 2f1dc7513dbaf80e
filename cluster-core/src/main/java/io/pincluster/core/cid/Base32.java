package io.pincluster.core.cid;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Arrays;

/** RFC 4648 base32 without padding, lower case (multibase {@code base32}, prefix {@code b}). */
public final class Base32 {
  private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".getBytes(ISO_8859_1);

  /** The value of each ASCII character, either case; -1 when it is not base32. */
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
      VALUES[Character.toUpperCase(ALPHABET[i])] = (byte) i;
    }
  }

  private Base32() {}

  public static String encode(byte[] data) {
    return encode(data, "");
  }

  /** {@code prefix} (ASCII, e.g. a multibase code) followed by the encoding of {@code data}. */
  static String encode(byte[] data, String prefix) {
    int start = prefix.length();
    byte[] out = new byte[start + (data.length * 8 + 4) / 5];
    for (int i = 0; i < start; i++) {
      out[i] = (byte) prefix.charAt(i);
    }
    int pos = start;
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out[pos++] = ALPHABET[(buffer >> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) {
      out[pos] = ALPHABET[(buffer << (5 - bits)) & 31];
    }
    return new String(out, ISO_8859_1);
  }

  /**
   * Whether {@code text} from index {@code from} on is exactly what {@link #encode} writes for some
   * {@code byteCount} bytes, given that it decodes to that many: as long as the encoding would be,
   * lower case, and the bits after the last byte zero. {@link #decode} also accepts upper case, and
   * ignores those bits and a last character holding only them, so several texts decode to the same
   * bytes; only this one is the canonical text.
   */
  static boolean isCanonical(String text, int from, int byteCount) {
    int n = text.length() - from;
    if (n != (byteCount * 8 + 4) / 5) {
      return false;
    }
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    int spareBits = n * 5 - byteCount * 8;
    return n == 0 || (VALUES[text.charAt(text.length() - 1)] & ((1 << spareBits) - 1)) == 0;
  }

  /**
   * Decodes unpadded base32 in either case.
   *
   * @throws IllegalArgumentException naming the first invalid character
   */
  public static byte[] decode(String text) {
    int n = text.length();
    byte[] out = new byte[n * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int pos = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int v = c < 128 ? VALUES[c] : -1;
      if (v < 0) {
        throw new IllegalArgumentException(
            "character '" + c + "' at position " + i + " is not base32");
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[pos++] = (byte) (buffer >> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }
}

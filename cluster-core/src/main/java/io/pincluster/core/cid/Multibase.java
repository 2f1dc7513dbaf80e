package io.pincluster.core.cid;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Decoding of the multibase encodings IPFS uses for CIDs: {@code b}/{@code B} base32, {@code z}
 * base58btc, {@code k}/{@code K} base36, {@code f}/{@code F} base16.
 */
public final class Multibase {
  private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

  private Multibase() {}

  /**
   * Decodes multibase text (prefix included).
   *
   * @throws IllegalArgumentException naming the unsupported prefix or the bad character
   */
  public static byte[] decode(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty multibase string");
    }
    char prefix = text.charAt(0);
    String body = text.substring(1);
    return switch (prefix) {
      case 'b', 'B' -> Base32.decode(body);
      case 'z' -> Base58.decode(body);
      case 'k', 'K' -> decodeBase36(body);
      case 'f', 'F' -> decodeBase16(body);
      default ->
          throw new IllegalArgumentException(
              "unsupported multibase prefix '" + prefix + "' (expected b, z, k or f)");
    };
  }

  public static String encodeBase32(byte[] data) {
    return Base32.encode(data, "b");
  }

  public static String encodeBase36(byte[] data) {
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    String digits = new BigInteger(1, data).toString(36);
    return "k" + "0".repeat(zeros) + (new BigInteger(1, data).signum() == 0 ? "" : digits);
  }

  private static byte[] decodeBase16(String body) {
    if (body.length() % 2 != 0) {
      throw new IllegalArgumentException("base16 text has an odd number of characters");
    }
    try {
      return HexFormat.of().parseHex(body.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("text is not base16: " + e.getMessage(), e);
    }
  }

  private static byte[] decodeBase36(String body) {
    String s = body.toLowerCase(Locale.ROOT);
    int zeros = 0;
    while (zeros < s.length() && s.charAt(zeros) == '0') {
      zeros++;
    }
    BigInteger value = BigInteger.ZERO;
    for (int i = 0; i < s.length(); i++) {
      int d = BASE36.indexOf(s.charAt(i));
      if (d < 0) {
        throw new IllegalArgumentException(
            "character '" + body.charAt(i) + "' at position " + i + " is not base36");
      }
      value = value.multiply(BigInteger.valueOf(36)).add(BigInteger.valueOf(d));
    }
    byte[] mag = value.signum() == 0 ? new byte[0] : value.toByteArray();
    int strip = mag.length > 0 && mag[0] == 0 ? 1 : 0;
    byte[] out = new byte[zeros + mag.length - strip];
    System.arraycopy(mag, strip, out, zeros, mag.length - strip);
    return out;
  }
}

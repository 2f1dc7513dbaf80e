package io.pincluster.core.cid;

import java.util.Arrays;

/** Base58 with the Bitcoin alphabet (multibase {@code base58btc}). Stateless and thread-safe. */
public final class Base58 {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEXES = new int[128];

  static {
    Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEXES[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58() {}

  /** The base58btc text of {@code input} (one {@code 1} per leading zero byte). */
  public static String encode(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    byte[] number = Arrays.copyOf(input, input.length);
    char[] out = new char[input.length * 2];
    int outStart = out.length;
    for (int first = zeros; first < number.length; ) {
      out[--outStart] = ALPHABET.charAt(divmod(number, first, 256, 58));
      if (number[first] == 0) {
        first++;
      }
    }
    while (outStart < out.length && out[outStart] == '1') {
      outStart++; // zero digits of the division, not leading zero bytes
    }
    while (--zeros >= 0) {
      out[--outStart] = '1';
    }
    return new String(out, outStart, out.length - outStart);
  }

  /**
   * Decodes base58btc text.
   *
   * @throws IllegalArgumentException naming the first character outside the alphabet
   */
  public static byte[] decode(String input) {
    byte[] digits = new byte[input.length()];
    for (int i = 0; i < input.length(); i++) {
      char c = input.charAt(i);
      int digit = c < 128 ? INDEXES[c] : -1;
      if (digit < 0) {
        throw new IllegalArgumentException(
            "character '" + c + "' at position " + i + " is not base58btc");
      }
      digits[i] = (byte) digit;
    }
    int zeros = 0;
    while (zeros < digits.length && digits[zeros] == 0) {
      zeros++;
    }
    byte[] decoded = new byte[digits.length];
    int outStart = decoded.length;
    for (int first = zeros; first < digits.length; ) {
      decoded[--outStart] = (byte) divmod(digits, first, 58, 256);
      if (digits[first] == 0) {
        first++;
      }
    }
    while (outStart < decoded.length && decoded[outStart] == 0) {
      outStart++;
    }
    return Arrays.copyOfRange(decoded, outStart - zeros, decoded.length);
  }

  /**
   * Divides the number held in {@code number[first..]} (digits of base {@code base}, most
   * significant first) by {@code divisor} in place; returns the remainder.
   */
  private static int divmod(byte[] number, int first, int base, int divisor) {
    int remainder = 0;
    for (int i = first; i < number.length; i++) {
      int value = remainder * base + (number[i] & 0xFF);
      number[i] = (byte) (value / divisor);
      remainder = value % divisor;
    }
    return remainder;
  }
}

package io.pincluster.core.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base58Test {
  private static final String ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** The textbook definition, for comparison: the number in base 58, one '1' per zero byte. */
  private static String reference(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    StringBuilder sb = new StringBuilder();
    BigInteger value = new BigInteger(1, input);
    while (value.signum() > 0) {
      BigInteger[] qr = value.divideAndRemainder(BigInteger.valueOf(58));
      sb.append(ALPHABET.charAt(qr[1].intValue()));
      value = qr[0];
    }
    return "1".repeat(zeros) + sb.reverse();
  }

  @Test
  void knownVectors() {
    assertThat(Base58.encode(new byte[0])).isEmpty();
    assertThat(Base58.encode(new byte[] {0})).isEqualTo("1");
    assertThat(Base58.encode(new byte[] {0, 0, 1})).isEqualTo("112");
    assertThat(Base58.encode("Hello World!".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("2NEpo7TZRRrLZSi2U");
    assertThat(Base58.decode("2NEpo7TZRRrLZSi2U"))
        .isEqualTo("Hello World!".getBytes(StandardCharsets.US_ASCII));
    assertThat(Base58.decode("")).isEmpty();
    assertThat(Base58.decode("11")).isEqualTo(new byte[2]);
  }

  @Test
  void matchesTheReferenceAndRoundTripsForRandomInputs() {
    Random random = new Random(58);
    for (int i = 0; i < 2000; i++) {
      byte[] input = new byte[random.nextInt(50)];
      random.nextBytes(input);
      for (int z = random.nextInt(4); z > 0 && z <= input.length; z--) {
        input[z - 1] = 0;
      }
      String text = Base58.encode(input);
      assertThat(text).isEqualTo(reference(input));
      assertThat(Base58.decode(text)).isEqualTo(input);
    }
  }

  @Test
  void aCharacterOutsideTheAlphabetIsNamed() {
    assertThatThrownBy(() -> Base58.decode("12O4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("character 'O' at position 2 is not base58btc");
  }
}

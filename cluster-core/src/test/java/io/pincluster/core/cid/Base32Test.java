package io.pincluster.core.cid;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base32Test {
  @Test
  void encodesTheRfc4648VectorsInLowerCaseWithoutPadding() {
    String[][] vectors = {
      {"", ""},
      {"f", "my"},
      {"fo", "mzxq"},
      {"foo", "mzxw6"},
      {"foob", "mzxw6yq"},
      {"fooba", "mzxw6ytb"},
      {"foobar", "mzxw6ytboi"}
    };
    for (String[] v : vectors) {
      assertThat(Base32.encode(v[0].getBytes(US_ASCII))).isEqualTo(v[1]);
      assertThat(Base32.decode(v[1])).isEqualTo(v[0].getBytes(US_ASCII));
      assertThat(Base32.decode(v[1].toUpperCase(Locale.ROOT))).isEqualTo(v[0].getBytes(US_ASCII));
    }
    assertThat(Multibase.encodeBase32("foobar".getBytes(US_ASCII))).isEqualTo("bmzxw6ytboi");
  }

  @Test
  void roundTripsRandomBytes() {
    Random random = new Random(3);
    for (int i = 0; i < 2000; i++) {
      byte[] data = new byte[random.nextInt(80)];
      random.nextBytes(data);
      assertThat(Base32.decode(Base32.encode(data))).isEqualTo(data);
    }
  }

  @Test
  void onlyTheEncodersOwnTextIsCanonicalAmongTextsThatDecodeToTheSameBytes() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    Random random = new Random(5);
    for (int i = 0; i < 2000; i++) {
      byte[] data = new byte[random.nextInt(40)];
      random.nextBytes(data);
      String text = "b" + Base32.encode(data);
      assertThat(Base32.isCanonical(text, 1, data.length)).as(text).isTrue();
      String body = text.substring(1);
      int spareBits = body.length() * 5 - data.length * 8;
      if (spareBits > 0) { // the lowest spare bit set in the last character
        int last = alphabet.indexOf(body.charAt(body.length() - 1));
        String other = text.substring(0, text.length() - 1) + alphabet.charAt(last | 1);
        assertThat(Base32.decode(other.substring(1))).isEqualTo(data);
        assertThat(Base32.isCanonical(other, 1, data.length)).as(other).isFalse();
      }
      String upper = "b" + body.toUpperCase(Locale.ROOT);
      if (!upper.equals(text)) {
        assertThat(Base32.decode(upper.substring(1))).isEqualTo(data);
        assertThat(Base32.isCanonical(upper, 1, data.length)).as(upper).isFalse();
      }
      String longer = text + "a"; // one more character, of spare bits only when it adds no byte
      if (Base32.decode(longer.substring(1)).length == data.length) {
        assertThat(Base32.isCanonical(longer, 1, data.length)).as(longer).isFalse();
      }
    }
  }

  @Test
  void namesTheFirstCharacterThatIsNotBase32() {
    for (String bad : new String[] {"mzx1", "mzx=", "mzxé", "mzx\u212a", "mzx "}) {
      assertThatThrownBy(() -> Base32.decode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("character '" + bad.charAt(3) + "' at position 3 is not base32");
    }
  }
}

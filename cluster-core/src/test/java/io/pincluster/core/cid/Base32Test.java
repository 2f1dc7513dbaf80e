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
  void namesTheFirstCharacterThatIsNotBase32() {
    for (String bad : new String[] {"mzx1", "mzx=", "mzxé", "mzx\u212a", "mzx "}) {
      assertThatThrownBy(() -> Base32.decode(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("character '" + bad.charAt(3) + "' at position 3 is not base32");
    }
  }
}

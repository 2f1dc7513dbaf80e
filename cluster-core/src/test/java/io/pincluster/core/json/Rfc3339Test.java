package io.pincluster.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
  @Test
  void readsWhatInstantWritesExactlyAsOffsetDateTimeDoes() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong() % 253_402_300_799L; // within years 0001..9999
      if (seconds < -62_135_596_800L) {
        seconds = -seconds;
      }
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      String text = Instant.ofEpochSecond(seconds, nanos).toString();
      assertThat(Rfc3339.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
    assertThat(Rfc3339.parse("0001-01-01T00:00:00Z"))
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
  }

  @Test
  void writesExactlyWhatInstantWrites() {
    Random random = new Random(7);
    long second = Instant.parse("2026-11-27T09:20:00Z").getEpochSecond();
    for (int i = 0; i < 50_000; i++) {
      long seconds =
          switch (i % 3) {
            case 0 -> random.nextLong() % 400_000_000_000L; // years about -10700..14600
            case 1 -> second + random.nextInt(3); // the same few seconds again and again
            default -> random.nextInt(120) - 60; // around 1970 (zero and negative seconds)
          };
      int nanos =
          switch (i % 5) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            case 3 -> random.nextInt(10) + 1; // 9 digits with leading zeros
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(seconds, nanos);
      assertThat(Rfc3339.format(t)).isEqualTo(t.toString());
    }
    for (String edge :
        new String[] {
          "0000-01-01T00:00:00Z",
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999999Z",
          "+10000-01-01T00:00:00Z",
          "-0001-12-31T23:59:59Z",
          "2026-11-27T09:20:00Z",
          "2026-11-27T09:20:00.100Z"
        }) {
      assertThat(Rfc3339.format(Instant.parse(edge))).isEqualTo(edge);
    }
  }

  @Test
  void otherFormsGoThroughTheFullParser() {
    for (String text :
        new String[] {
          "2026-11-27T10:20:30+01:00",
          "2026-11-27T09:20:30.5-00:30",
          "2026-11-27T09:20:30.123456789Z",
          "2026-11-27T09:20Z"
        }) {
      assertThat(Rfc3339.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
  }

  @Test
  void edgeCasesAnswerExactlyAsOffsetDateTimeDoes() {
    for (String text :
        new String[] {
          "2026-02-30T00:00:00Z",
          "2024-02-29T00:00:00Z",
          "2026-11-27T24:00:00Z",
          "2026-11-27T23:60:00Z",
          "2026-11-27T23:59:60Z",
          "2026-13-01T00:00:00Z",
          "2026-11-27T09:20:30.Z",
          "2026-11-27T09:20:30.1234567890Z",
          "2026-11-27 09:20:30Z",
          "2026-11-27t09:20:30z",
          "\uff12026-11-27T09:20:30Z",
          "+12026-11-27T09:20:30Z",
          "not a time",
          ""
        }) {
      Object expected;
      try {
        expected = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        expected = DateTimeParseException.class;
      }
      Object actual;
      try {
        actual = Rfc3339.parse(text);
      } catch (DateTimeParseException e) {
        actual = DateTimeParseException.class;
      }
      assertThat(actual).as(text).isEqualTo(expected);
    }
    assertThatThrownBy(() -> Rfc3339.parse("2026-11-27T24:00:00Z"))
        .isInstanceOf(DateTimeParseException.class);
  }
}

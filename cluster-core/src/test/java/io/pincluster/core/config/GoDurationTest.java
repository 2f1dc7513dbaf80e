package io.pincluster.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parsesGoDurations() {
    assertThat(GoDuration.parse("2m10s")).isEqualTo(Duration.ofSeconds(130));
    assertThat(GoDuration.parse("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(GoDuration.parse("1h0m0s")).isEqualTo(Duration.ofHours(1));
    assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("-5s")).isEqualTo(Duration.ofSeconds(-5));
    assertThat(GoDuration.parse("3µs")).isEqualTo(Duration.ofNanos(3000));
  }

  @Test
  void formatsAsGoDoes() {
    assertThat(GoDuration.format(Duration.ofSeconds(130))).isEqualTo("2m10s");
    assertThat(GoDuration.format(Duration.ofHours(24))).isEqualTo("24h0m0s");
    assertThat(GoDuration.format(Duration.ofMinutes(2))).isEqualTo("2m0s");
    assertThat(GoDuration.format(Duration.ofMillis(200))).isEqualTo("200ms");
    assertThat(GoDuration.format(Duration.ofSeconds(15))).isEqualTo("15s");
    assertThat(GoDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void refusesNonsense() {
    for (String bad : new String[] {"abc", "", "5", "5x", "s", "1m5", "--1s"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad))
          .as(bad)
          .hasMessage("\"" + bad + "\" is not a duration");
    }
  }
}

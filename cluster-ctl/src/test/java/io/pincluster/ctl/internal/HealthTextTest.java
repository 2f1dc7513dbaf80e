package io.pincluster.ctl.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Metric;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthTextTest {
  private static final PeerId PEER =
      PeerId.parse("12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X");
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private static Metric expiringAt(Instant t) {
    long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
    return new Metric("ping", PEER, "{}", nanos, true, 0, false, 0);
  }

  @Test
  void bytesAreShownInPowersOfAThousandAsGoHumanizeDoes() {
    assertThat(HealthText.siBytes(0)).isEqualTo("0 B");
    assertThat(HealthText.siBytes(9)).isEqualTo("9 B");
    assertThat(HealthText.siBytes(999)).isEqualTo("999 B");
    assertThat(HealthText.siBytes(1000)).isEqualTo("1.0 kB");
    assertThat(HealthText.siBytes(1_540_000)).isEqualTo("1.5 MB");
    assertThat(HealthText.siBytes(15_000_000_000L)).isEqualTo("15 GB");
    assertThat(HealthText.siBytes(Long.MAX_VALUE)).isEqualTo("9.2 EB");
  }

  @Test
  void timeLeftIsRoundedUpToWholeSecondsAndNothingLeftIsExpired() {
    assertThat(HealthText.expiresIn(expiringAt(NOW.plusNanos(1)), NOW)).isEqualTo("1s");
    assertThat(HealthText.expiresIn(expiringAt(NOW.plusSeconds(30)), NOW)).isEqualTo("30s");
    assertThat(HealthText.expiresIn(expiringAt(NOW.plusSeconds(3725)), NOW)).isEqualTo("1h2m5s");
    assertThat(HealthText.expiresIn(expiringAt(NOW), NOW)).isEqualTo("expired");
    assertThat(HealthText.expiresIn(expiringAt(NOW.minusSeconds(5)), NOW)).isEqualTo("expired");
  }
}

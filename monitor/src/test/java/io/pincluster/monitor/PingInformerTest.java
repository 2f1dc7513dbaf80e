package io.pincluster.monitor;

import static io.pincluster.monitor.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.Metric;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PingInformerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final PeerId SELF = peer(1);
  private final MutableClock clock = new MutableClock(T0);

  @Test
  void thePingCarriesThePeerNameAndIpfsIdentityAndLivesTwoIntervals() throws Exception {
    PingInformer ping =
        new PingInformer(
            SELF,
            "alpha",
            Duration.ofSeconds(15),
            () -> new IpfsId("12D3KooWipfs", List.of("/ip4/10.0.0.1/tcp/4001"), ""),
            clock);

    Metric m = ping.metric();

    assertThat(ping.name()).isEqualTo("ping");
    assertThat(ping.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(m.name()).isEqualTo("ping");
    assertThat(m.peer()).isEqualTo(SELF);
    assertThat(m.valid()).isTrue();
    assertThat(m.partitionable()).isFalse();
    assertThat(m.expire()).isEqualTo(Metric.unixNanos(T0.plusSeconds(30)));
    JsonNode value = Json.mapper().readTree(m.value().getBytes(StandardCharsets.UTF_8));
    assertThat(value.get("peer_name").asText()).isEqualTo("alpha");
    assertThat(value.get("ipfs_id").asText()).isEqualTo("12D3KooWipfs");
    assertThat(value.get("ipfs_addresses").get(0).asText()).isEqualTo("/ip4/10.0.0.1/tcp/4001");
    assertThat(PingInformer.PingValue.parse(m.value()))
        .isEqualTo(
            new PingInformer.PingValue("alpha", "12D3KooWipfs", List.of("/ip4/10.0.0.1/tcp/4001")));
  }

  @Test
  void withoutIpfsThePingIsStillValidWithEmptyIpfsFields() {
    PingInformer ping =
        new PingInformer(
            SELF,
            "alpha",
            Duration.ofSeconds(15),
            () -> {
              throw new IllegalStateException("ipfs down");
            },
            clock);

    Metric m = ping.metric();

    assertThat(m.valid()).isTrue();
    assertThat(PingInformer.PingValue.parse(m.value()))
        .isEqualTo(new PingInformer.PingValue("alpha", "", List.of()));
  }

  @Test
  void aNonPositiveIntervalIsRefusedByName() {
    assertThatThrownBy(
            () -> new PingInformer(SELF, "a", Duration.ZERO, () -> IpfsId.unreachable("x"), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("monitor_ping_interval (0s) must be > 0");
  }
}

package io.pincluster.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.Metric;
import io.pincluster.core.config.DiskInformerSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.FakeIpfsConnector;
import io.pincluster.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiskInformerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final PeerId SELF = Identity.fromSeed(new byte[32]).id();
  private static final Duration TTL = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(T0);
  private final FakeIpfsConnector ipfs = new FakeIpfsConnector();

  private final List<DiskInformer> informers = new ArrayList<>();

  @AfterEach
  void close() {
    informers.forEach(DiskInformer::close);
    ipfs.close();
  }

  private DiskInformer informer(String type) {
    return informer(type, TTL);
  }

  private DiskInformer informer(String type, Duration ttl) {
    DiskInformer d = new DiskInformer(new DiskInformerSection(ttl, type), ipfs, SELF, clock);
    informers.add(d);
    return d;
  }

  @Test
  void freespaceIsStorageMaxMinusRepoSize() {
    ipfs.setRepoStat(4_000, 10_000);
    DiskInformer disk = informer("freespace");

    Metric m = disk.metric();

    assertThat(disk.name()).isEqualTo("freespace");
    assertThat(disk.ttl()).isEqualTo(TTL);
    assertThat(m)
        .isEqualTo(
            new Metric(
                "freespace", SELF, "6000", Metric.unixNanos(T0.plus(TTL)), true, 6_000, false, 0));
  }

  @Test
  void aFullRepositoryGivesAnInvalidFreespace() {
    ipfs.setRepoStat(10_000, 10_000);
    assertThat(informer("freespace").metric().valid()).isFalse();
    ipfs.setRepoStat(12_000, 10_000);
    assertThat(informer("freespace").metric().valid()).isFalse();
  }

  @Test
  void reposizeIsWeightedByMinusTheRepoSize() {
    ipfs.setRepoStat(4_000, 10_000);
    DiskInformer disk = informer("reposize");

    Metric m = disk.metric();

    assertThat(disk.name()).isEqualTo("reposize");
    assertThat(m.name()).isEqualTo("reposize");
    assertThat(m.value()).isEqualTo("4000");
    assertThat(m.weight()).isEqualTo(-4_000);
    assertThat(m.valid()).isTrue();
    assertThat(m.partitionable()).isFalse();
  }

  @Test
  void anUnreachableIpfsGivesAnInvalidReadingThatRecovers() {
    DiskInformer disk = informer("freespace");
    ipfs.setUnreachable(true);

    Metric down = disk.metric();

    assertThat(down.valid()).isFalse();
    assertThat(down.name()).isEqualTo("freespace");
    assertThat(down.peer()).isEqualTo(SELF);
    ipfs.setUnreachable(false);
    ipfs.setRepoStat(1, 3);
    assertThat(disk.metric().value()).isEqualTo("2");
  }

  @Test
  void negativeSizesAreInvalid() {
    ipfs.setRepoStat(-1, 10);
    assertThat(informer("reposize").metric().valid()).isFalse();
    assertThat(informer("freespace").metric().valid()).isFalse();
  }

  @Test
  void aSlowRepoStatKeepsTheLastValidReadingAliveUntilItAnswers() {
    Duration ttl = Duration.ofMillis(200); // waits 50 ms for repo/stat
    DiskInformer disk = informer("freespace", ttl);
    ipfs.setRepoStat(4_000, 10_000);
    assertThat(disk.metric().value()).isEqualTo("6000");
    ipfs.setLatency(Duration.ofMillis(800)).setRepoStat(7_000, 10_000);

    Metric kept = disk.metric();
    Metric keptAgain = disk.metric();

    assertThat(kept)
        .isEqualTo(
            new Metric(
                "freespace", SELF, "6000", Metric.unixNanos(T0.plus(ttl)), true, 6_000, false, 0));
    assertThat(keptAgain.value()).isEqualTo("6000");
    assertThat(ipfs.calls(FakeIpfsConnector.Op.REPO_STAT))
        .as("one repo/stat in flight at a time")
        .isEqualTo(2);
    ipfs.setLatency(Duration.ZERO);
    await().atMost(Duration.ofSeconds(10)).until(() -> disk.metric().value().equals("3000"));
  }

  @Test
  void aSlowFirstRepoStatGivesAnInvalidMetric() {
    DiskInformer disk = informer("freespace", Duration.ofMillis(200));
    ipfs.setLatency(Duration.ofMillis(800));

    assertThat(disk.metric().valid()).isFalse();
  }

  @Test
  void aClosedInformerGivesInvalidMetrics() {
    DiskInformer disk = informer("freespace");
    disk.close();
    disk.close();

    assertThat(disk.metric().valid()).isFalse();
  }
}

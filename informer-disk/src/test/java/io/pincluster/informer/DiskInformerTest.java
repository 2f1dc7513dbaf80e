package io.pincluster.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Metric;
import io.pincluster.core.config.DiskInformerSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.FakeIpfsConnector;
import io.pincluster.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiskInformerTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final PeerId SELF = Identity.fromSeed(new byte[32]).id();
  private static final Duration TTL = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(T0);
  private final FakeIpfsConnector ipfs = new FakeIpfsConnector();

  @AfterEach
  void close() {
    ipfs.close();
  }

  private DiskInformer informer(String type) {
    return new DiskInformer(new DiskInformerSection(TTL, type), ipfs, SELF, clock);
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
}

package io.pincluster.monitor;

import static io.pincluster.monitor.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.Metric;
import io.pincluster.core.config.MonBasicSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.monitor.MetricPublisher.Source;
import io.pincluster.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricPublisherTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final PeerId SELF = peer(1);
  private static final PeerId A = peer(2);
  private static final PeerId B = peer(3);
  private static final PeerId DOWN = peer(4);
  private static final PeerId HANGING = peer(5);

  private final MutableClock clock = new MutableClock(T0);
  private final MetricsMonitor local =
      new MetricsMonitor(MonBasicSection.defaults(), TTL, () -> Set.of(SELF), clock);
  private final FakePeerRpc rpc = new FakePeerRpc();
  private volatile Set<PeerId> members = Set.of(SELF, A, B);
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    rpc.release();
    for (AutoCloseable c : closeables) {
      c.close();
    }
    local.close();
  }

  private MetricPublisher publisher(List<Source> sources, Duration sendTimeout) {
    MetricPublisher p = new MetricPublisher(SELF, sources, local, rpc, () -> members, sendTimeout);
    closeables.add(p);
    return p;
  }

  private Metric metric(String name, String value, boolean valid) {
    return new Metric(name, SELF, value, Metric.unixNanos(T0.plus(TTL)), valid, 5, false, 0);
  }

  private static Source source(String name, List<Metric> reading) {
    return new Source(name, TTL, () -> reading);
  }

  @Test
  void validMetricsGoToTheLocalMonitorAndToEveryOtherMember() {
    List<Metric> tags = List.of(metric("tag:group", "eu", true), metric("tag:rack", "r1", true));
    Source source = source("tags", tags);
    MetricPublisher publisher = publisher(List.of(source), Duration.ofSeconds(5));

    Duration next = publisher.publish(source);

    assertThat(next).isEqualTo(Duration.ofSeconds(15));
    assertThat(rpc.sentTo(A)).containsExactly(tags);
    assertThat(rpc.sentTo(B)).containsExactly(tags);
    assertThat(rpc.sentTo(SELF)).isEmpty();
    assertThat(local.latestMetrics("tag:group")).extracting(Metric::value).containsExactly("eu");
    assertThat(local.latestMetrics("tag:rack")).extracting(Metric::value).containsExactly("r1");
  }

  @Test
  void aPeerUnreachableAtTheReadingGetsTheMetricsSoonAfterItBecomesReachable() {
    List<Metric> ping = List.of(metric("ping", "{}", true));
    Source source = source("ping", ping);
    MetricPublisher publisher = publisher(List.of(source), Duration.ofSeconds(5));
    rpc.down.add(DOWN);
    members = Set.of(SELF, A, DOWN);

    publisher.publish(source);
    assertThat(rpc.sentTo(DOWN)).isEmpty();
    rpc.down.remove(DOWN); // e.g. its address reached the peer table

    // well before the next reading (15 s): the resends (250 ms, 500 ms, …) reach it
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> rpc.sentTo(DOWN).size() == 1);
    assertThat(rpc.sentTo(DOWN)).containsExactly(ping);
    assertThat(rpc.sentTo(A)).containsExactly(ping);
  }

  @Test
  void invalidMetricsAreNotPublishedAndTheSourceIsReadAgainAtAQuarterOfItsTtl() {
    Source mixed =
        source("mixed", List.of(metric("ping", "{}", true), metric("freespace", "", false)));
    Source invalid = source("disk", List.of(metric("freespace", "", false)));
    Source failing =
        new Source(
            "broken",
            TTL,
            () -> {
              throw new IllegalStateException("ipfs down");
            });
    MetricPublisher publisher = publisher(List.of(mixed, invalid, failing), Duration.ofSeconds(5));

    assertThat(publisher.publish(mixed)).isEqualTo(Duration.ofMillis(7500));
    assertThat(publisher.publish(invalid)).isEqualTo(Duration.ofMillis(7500));
    assertThat(publisher.publish(failing)).isEqualTo(Duration.ofMillis(7500));

    assertThat(rpc.sentTo(A)).containsExactly(List.of(metric("ping", "{}", true)));
    assertThat(local.metricNames()).containsExactly("ping");
  }

  @Test
  void anEmptyReadingPublishesNothingAndIsNotAFailure() {
    Source none = source("tags", List.of());
    MetricPublisher publisher = publisher(List.of(none), Duration.ofSeconds(5));

    assertThat(publisher.publish(none)).isEqualTo(Duration.ofSeconds(15));
    assertThat(rpc.sent).isEmpty();
    assertThat(local.metricNames()).isEmpty();
  }

  @Test
  void unreachableAndHangingMembersDoNotKeepTheOthersFromTheirMetrics() {
    members = Set.of(SELF, A, DOWN, HANGING);
    rpc.down.add(DOWN);
    rpc.hanging.add(HANGING);
    List<Metric> ping = List.of(metric("ping", "{}", true));
    Source source = source("ping", ping);
    MetricPublisher publisher = publisher(List.of(source), Duration.ofMillis(200));

    assertThat(publisher.publish(source)).isEqualTo(Duration.ofSeconds(15));
    assertThat(publisher.publish(source)).isEqualTo(Duration.ofSeconds(15));

    assertThat(rpc.sentTo(A)).containsExactly(ping, ping);
    assertThat(rpc.sentTo(DOWN)).isEmpty();
    assertThat(rpc.sentTo(HANGING)).isEmpty();
    assertThat(local.latestMetrics("ping")).hasSize(1);
  }

  @Test
  void everySourceIsReadOnItsOwnThreadSoABlockedOneDoesNotDelayThePing() {
    members = Set.of(SELF, A);
    PingInformer ping =
        new PingInformer(SELF, "self", Duration.ofMillis(50), () -> IpfsId.unreachable("x"), clock);
    List<String> readers = new CopyOnWriteArrayList<>();
    Source pings =
        new Source(
            "ping",
            ping.ttl(),
            () -> {
              readers.add(Thread.currentThread().getName());
              return List.of(ping.metric());
            });
    CountDownLatch stuck = new CountDownLatch(1);
    Source blocked =
        new Source(
            "freespace",
            TTL,
            () -> {
              try {
                stuck.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return List.of();
            });
    MetricPublisher publisher = publisher(List.of(blocked, pings), Duration.ofSeconds(5));
    try {
      publisher.start();
      publisher.start();

      await().atMost(Duration.ofSeconds(10)).until(() -> rpc.sentTo(A).size() >= 3);
    } finally {
      publisher.close();
      stuck.countDown();
    }
    assertThat(readers).allMatch(name -> name.startsWith("monitor-publisher-"));
    assertThat(rpc.threads).allMatch(name -> name.startsWith("monitor-send-"));
    assertThat(rpc.sentTo(A).get(0)).extracting(Metric::name).containsExactly("ping");
    assertThat(local.isHealthy(SELF)).isTrue();
  }

  @Test
  void closeIsIdempotentAndAClosedPublisherCannotStart() {
    MetricPublisher publisher = publisher(List.of(), Duration.ofSeconds(1));
    publisher.close();
    publisher.close();
    assertThatThrownBy(publisher::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void badSourcesAndTimeoutsAreRefusedByName() {
    assertThatThrownBy(() -> new Source("disk", Duration.ZERO, List::of))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metric TTL of disk (0s) must be >= 4ms");
    assertThatThrownBy(() -> publisher(List.of(), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metrics send timeout (0s) must be > 0");
  }
}

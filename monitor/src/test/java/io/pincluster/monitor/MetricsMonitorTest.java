package io.pincluster.monitor;

import static io.pincluster.monitor.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.Alert;
import io.pincluster.core.api.Metric;
import io.pincluster.core.config.MonBasicSection;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsMonitorTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration PING_TTL = Duration.ofSeconds(30);
  private static final PeerId A = peer(1);
  private static final PeerId B = peer(2);
  private static final PeerId C = peer(3);

  private final MutableClock clock = new MutableClock(T0);
  private volatile Set<PeerId> members = Set.of(A, B);
  private final MetricsMonitor monitor =
      new MetricsMonitor(
          new MonBasicSection(Duration.ofSeconds(15)), PING_TTL, () -> members, clock);

  @AfterEach
  void close() {
    monitor.close();
  }

  /** A valid metric sent now, living {@code ttl}. */
  private Metric metric(String name, PeerId peer, String value, Duration ttl) {
    return new Metric(
        name, peer, value, Metric.unixNanos(clock.instant().plus(ttl)), true, 1, false, 0);
  }

  private Metric ping(PeerId peer) {
    return metric("ping", peer, "{}", PING_TTL);
  }

  @Test
  void theWindowKeepsTheLast25MetricsOfEachNameAndPeer() {
    for (int i = 0; i < 30; i++) {
      monitor.accept(metric("freespace", A, Integer.toString(i), PING_TTL));
    }
    monitor.accept(metric("freespace", B, "b", PING_TTL));

    List<Metric> window = monitor.window("freespace", A);
    assertThat(window).hasSize(MetricsMonitor.WINDOW);
    assertThat(window.get(0).value()).isEqualTo("5");
    assertThat(window.get(24).value()).isEqualTo("29");
    assertThat(monitor.window("freespace", B)).hasSize(1);
    assertThat(monitor.latestMetrics("freespace"))
        .extracting(Metric::value)
        .containsExactlyElementsOf(A.compareTo(B) < 0 ? List.of("29", "b") : List.of("b", "29"));
  }

  @Test
  void acceptedMetricsAreStampedWithTheirReceptionTime() {
    monitor.accept(ping(A));
    assertThat(monitor.latestMetrics("ping"))
        .singleElement()
        .satisfies(m -> assertThat(m.receivedAt()).isEqualTo(Metric.unixNanos(T0)));
  }

  @Test
  void latestMetricsLeaveOutExpiredAndInvalidOnes() {
    monitor.accept(metric("freespace", A, "old", Duration.ofSeconds(10)));
    monitor.accept(metric("freespace", B, "fresh", Duration.ofSeconds(60)));
    monitor.accept(
        new Metric("reposize", A, "1", Metric.unixNanos(T0) + 1_000_000_000L, false, 0, false, 0));

    clock.advance(Duration.ofSeconds(11));

    assertThat(monitor.latestMetrics("freespace"))
        .extracting(Metric::value)
        .containsExactly("fresh");
    assertThat(monitor.latestMetrics("reposize")).isEmpty();
    assertThat(monitor.metricNames()).containsExactly("freespace");
  }

  @Test
  void healthIsAFreshPing() {
    monitor.accept(ping(A));
    monitor.accept(metric("freespace", B, "1", PING_TTL));
    assertThat(monitor.isHealthy(A)).isTrue();
    assertThat(monitor.isHealthy(B)).isFalse();

    clock.advance(PING_TTL.plusMillis(1));

    assertThat(monitor.isHealthy(A)).isFalse();
  }

  @Test
  void anExpiredMetricAlertsOnceAndAgainOnlyAfterAFreshOneExpires() {
    monitor.accept(ping(A));
    monitor.accept(ping(B));
    monitor.check();
    assertThat(monitor.alerts()).isEmpty();

    clock.advance(Duration.ofSeconds(20));
    monitor.accept(ping(B));
    clock.advance(Duration.ofSeconds(11));
    monitor.check();
    monitor.check();

    assertThat(monitor.alerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.name()).isEqualTo("ping");
              assertThat(a.peer()).isEqualTo(A);
              assertThat(a.triggeredAt()).isEqualTo(T0.plusSeconds(31));
              assertThat(a.expire()).isEqualTo(Metric.unixNanos(T0.plus(PING_TTL)));
            });

    monitor.accept(ping(A));
    monitor.check();
    assertThat(monitor.alerts()).hasSize(1);

    clock.advance(PING_TTL.plusSeconds(1));
    monitor.check();

    assertThat(monitor.alerts()).hasSize(3);
    assertThat(monitor.alerts().subList(0, 2))
        .extracting(Alert::peer)
        .containsExactlyInAnyOrder(A, B);
    assertThat(monitor.alerts().get(2).triggeredAt()).isEqualTo(T0.plusSeconds(31));
  }

  @Test
  void aMetricThatExpiresBetweenTwoChecksStillRearmsTheAlert() {
    monitor.accept(metric("freespace", A, "1", Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(11));
    monitor.check();
    assertThat(monitor.alerts()).hasSize(1);

    monitor.accept(metric("freespace", A, "2", Duration.ofSeconds(5)));
    clock.advance(Duration.ofSeconds(6));
    monitor.check();

    assertThat(monitor.alerts()).extracting(Alert::value).containsExactly("2", "1");
  }

  @Test
  void aMemberNeverHeardFromGetsOnePingAlertAfterOnePingTtl() {
    monitor.start();
    monitor.accept(ping(A));
    clock.advance(PING_TTL.minusSeconds(1));
    monitor.accept(ping(A));
    monitor.check();
    assertThat(monitor.alerts()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    monitor.check();
    monitor.check();

    assertThat(monitor.alerts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.name()).isEqualTo("ping");
              assertThat(a.peer()).isEqualTo(B);
              assertThat(a.valid()).isFalse();
              assertThat(a.value()).isEmpty();
              assertThat(a.expire()).isEqualTo(Metric.unixNanos(T0.plus(PING_TTL)));
            });

    monitor.accept(ping(B));
    monitor.check();
    assertThat(monitor.alerts()).hasSize(1);
    assertThat(monitor.isHealthy(B)).isTrue();
  }

  @Test
  void listenersHearEveryAlertEvenWhenAnotherListenerFails() {
    List<Alert> heard = new CopyOnWriteArrayList<>();
    monitor.addAlertListener(
        a -> {
          throw new IllegalStateException("listener bug");
        });
    monitor.addAlertListener(heard::add);
    monitor.accept(ping(A));
    monitor.accept(ping(B));
    clock.advance(PING_TTL.plusSeconds(1));

    monitor.check();

    assertThat(heard).extracting(Alert::peer).containsExactlyInAnyOrder(A, B);
    assertThat(heard).containsExactlyInAnyOrderElementsOf(monitor.alerts());
  }

  @Test
  void metricsOfPeersThatLeftAreDroppedAndNotAlerted() {
    monitor.accept(ping(A));
    monitor.accept(ping(C));
    members = Set.of(A);
    clock.advance(PING_TTL.plusSeconds(1));
    monitor.accept(ping(A));

    monitor.check();

    assertThat(monitor.alerts()).isEmpty();
    assertThat(monitor.window("ping", C)).isEmpty();
    assertThat(monitor.window("ping", A)).hasSize(2);
  }

  @Test
  void onlyTheNewestThousandAlertsAreKept() {
    for (int i = 0; i < MetricsMonitor.MAX_ALERTS + 5; i++) {
      monitor.accept(metric("m" + i, A, Integer.toString(i), Duration.ofSeconds(1)));
    }
    monitor.accept(ping(B));
    clock.advance(Duration.ofSeconds(2));

    monitor.check();

    List<Alert> alerts = monitor.alerts();
    assertThat(alerts).hasSize(MetricsMonitor.MAX_ALERTS);
    assertThat(alerts).extracting(Alert::peer).containsOnly(A);
  }

  @Test
  void theCheckerRunsOnItsNamedThreadUntilClosed() {
    MetricsMonitor fast =
        new MetricsMonitor(
            new MonBasicSection(Duration.ofMillis(10)), PING_TTL, () -> members, clock);
    try (fast) {
      AtomicReference<String> thread = new AtomicReference<>();
      fast.addAlertListener(a -> thread.set(Thread.currentThread().getName()));
      fast.accept(ping(A));
      clock.advance(PING_TTL.plusSeconds(1));
      fast.start();
      fast.start();

      await().atMost(Duration.ofSeconds(10)).until(() -> thread.get() != null);
      assertThat(thread.get()).isEqualTo("monitor-checker");
    }
    fast.close();
    assertThatThrownBy(fast::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aFailingMembersLookupDoesNotStopTheChecker() {
    AtomicReference<RuntimeException> failure =
        new AtomicReference<>(new IllegalStateException("no quorum"));
    List<Alert> heard = new CopyOnWriteArrayList<>();
    MetricsMonitor fast =
        new MetricsMonitor(
            new MonBasicSection(Duration.ofMillis(10)),
            PING_TTL,
            () -> {
              RuntimeException e = failure.getAndSet(null);
              if (e != null) {
                throw e;
              }
              return Set.of(A);
            },
            clock);
    try (fast) {
      fast.addAlertListener(heard::add);
      fast.accept(ping(A));
      clock.advance(PING_TTL.plusSeconds(1));
      fast.start();

      await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
      assertThat(failure.get()).isNull();
    }
  }

  @Test
  void aBadPingTtlIsRefusedByName() {
    assertThatThrownBy(
            () -> new MetricsMonitor(MonBasicSection.defaults(), Duration.ZERO, Set::of, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ping TTL (0s) must be > 0");
  }
}

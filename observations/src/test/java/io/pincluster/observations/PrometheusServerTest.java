package io.pincluster.observations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.config.MetricsSection;
import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint scraped over loopback HTTP, its answer parsed strictly. */
class PrometheusServerTest {
  static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final List<PrometheusServer> servers = new ArrayList<>();

  @AfterEach
  void closeServers() {
    servers.forEach(PrometheusServer::close);
  }

  static MetricsSection enabledOn(String endpoint) {
    return new MetricsSection(true, Multiaddr.parse(endpoint), Duration.ofSeconds(2));
  }

  PrometheusServer server(MetricsSection config, MetricsRegistry registry) {
    PrometheusServer s = new PrometheusServer(config, registry);
    servers.add(s);
    return s;
  }

  /** Every metric the daemon exports, with fixed values. */
  static MetricsRegistry clusterRegistry() {
    MetricsRegistry registry = new MetricsRegistry();
    JvmMetrics.register(registry);
    new ClusterMetrics(registry, InstantSource.fixed(NOW))
        .pinset(() -> 1200)
        .trackerStatuses(s -> s.ordinal() + 100L)
        .ipfsPins(() -> OptionalLong.of(1100))
        .stateSyncRunning(() -> true)
        .pinAdds(() -> 50, () -> 2)
        .informerDisk(() -> OptionalDouble.of(5e9))
        .raft(
            () ->
                new ClusterMetrics.RaftFigures(
                    true, 7, 420, 417, Optional.of(NOW.minusMillis(90_500))))
        .peers(() -> 3)
        .alerts(() -> 1);
    return registry;
  }

  static HttpResponse<String> get(InetSocketAddress at, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + at.getPort() + path);
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsAreServedInTheTextFormatWithEveryClusterAndJvmMetric() throws Exception {
    PrometheusServer s = server(enabledOn("/ip4/127.0.0.1/tcp/0"), clusterRegistry());
    List<InetSocketAddress> bound = s.start();
    assertThat(bound).hasSize(1);
    assertThat(bound.get(0).getPort()).isPositive();
    assertThat(s.addresses()).isEqualTo(bound);

    HttpResponse<String> r = get(bound.get(0), "/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    Map<String, Exposition.Family> f = Exposition.parse(r.body());
    assertThat(f.get(ClusterMetrics.PINS).value()).contains(1200.0);
    assertThat(f.get(ClusterMetrics.PINS_PIN_QUEUED).value())
        .contains(TrackerStatus.PIN_QUEUED.ordinal() + 100.0);
    assertThat(f.get(ClusterMetrics.PINS_PINNING).value())
        .contains(TrackerStatus.PINNING.ordinal() + 100.0);
    assertThat(f.get(ClusterMetrics.PINS_PIN_ERROR).value())
        .contains(TrackerStatus.PIN_ERROR.ordinal() + 100.0);
    assertThat(f.get(ClusterMetrics.PINS_UNEXPECTEDLY_UNPINNED).value())
        .contains(TrackerStatus.UNEXPECTEDLY_UNPINNED.ordinal() + 100.0);
    assertThat(f.get(ClusterMetrics.PINS_IPFS_PINS).value()).contains(1100.0);
    assertThat(f.get(ClusterMetrics.STATE_SYNC_RUNNING).value()).contains(1.0);
    assertThat(f.get(ClusterMetrics.PINS_PIN_ADD).type()).isEqualTo("counter");
    assertThat(f.get(ClusterMetrics.PINS_PIN_ADD).value()).contains(50.0);
    assertThat(f.get(ClusterMetrics.PINS_PIN_ADD_ERRORS).value()).contains(2.0);
    assertThat(f.get(ClusterMetrics.INFORMER_DISK).value()).contains(5e9);
    assertThat(f.get(ClusterMetrics.RAFT_LEADER).value()).contains(1.0);
    assertThat(f.get(ClusterMetrics.RAFT_TERM).value()).contains(7.0);
    assertThat(f.get(ClusterMetrics.RAFT_COMMIT_INDEX).value()).contains(420.0);
    assertThat(f.get(ClusterMetrics.RAFT_APPLIED_INDEX).value()).contains(417.0);
    assertThat(f.get(ClusterMetrics.RAFT_APPLY_LAG).value()).contains(3.0);
    assertThat(f.get(ClusterMetrics.RAFT_SNAPSHOT_AGE).value()).contains(90.5);
    assertThat(f.get(ClusterMetrics.PEERS).value()).contains(3.0);
    assertThat(f.get(ClusterMetrics.ALERTS).value()).contains(1.0);

    assertThat(
            f.get("jvm_memory_used_bytes").value("jvm_memory_used_bytes", Map.of("area", "heap")))
        .hasValueSatisfying(v -> assertThat(v).isPositive());
    assertThat(f.get("jvm_gc_collection_seconds").type()).isEqualTo("summary");
    assertThat(f.get("jvm_gc_collection_seconds").samples()).isNotEmpty();
    assertThat(f.get("jvm_threads_current").value())
        .hasValueSatisfying(v -> assertThat(v).isGreaterThan(1));
    assertThat(f.get("process_uptime_seconds").value())
        .hasValueSatisfying(v -> assertThat(v).isPositive());
    assertThat(f)
        .containsKeys(
            "jvm_memory_committed_bytes",
            "jvm_memory_max_bytes",
            "jvm_threads_daemon",
            "jvm_threads_peak",
            "jvm_threads_started_total",
            "jvm_runtime_info",
            "process_start_time_seconds",
            "process_cpu_seconds_total"); // HotSpot, as in the build
    f.values().forEach(family -> assertThat(family.name()).matches(Exposition.NAME));
  }

  @Test
  void unknownValuesAreLeftOutNotReportedAsZero() throws Exception {
    MetricsRegistry registry = new MetricsRegistry();
    new ClusterMetrics(registry, InstantSource.fixed(NOW))
        .ipfsPins(OptionalLong::empty)
        .informerDisk(OptionalDouble::empty)
        .raft(() -> new ClusterMetrics.RaftFigures(false, 0, -1, -1, Optional.empty()));
    PrometheusServer s = server(enabledOn("/ip4/127.0.0.1/tcp/0"), registry);

    Map<String, Exposition.Family> f = Exposition.parse(get(s.start().get(0), "/metrics").body());

    assertThat(f.get(ClusterMetrics.PINS_IPFS_PINS).samples()).isEmpty();
    assertThat(f.get(ClusterMetrics.INFORMER_DISK).samples()).isEmpty();
    assertThat(f.get(ClusterMetrics.RAFT_COMMIT_INDEX).samples()).isEmpty();
    assertThat(f.get(ClusterMetrics.RAFT_APPLY_LAG).samples()).isEmpty();
    assertThat(f.get(ClusterMetrics.RAFT_SNAPSHOT_AGE).samples()).isEmpty();
    assertThat(f.get(ClusterMetrics.RAFT_LEADER).value()).contains(0.0);
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    PrometheusServer s = server(enabledOn("/ip4/127.0.0.1/tcp/0"), new MetricsRegistry());
    InetSocketAddress at = s.start().get(0);

    assertThat(get(at, "/").statusCode()).isEqualTo(404);
    assertThat(get(at, "/metrics/x").statusCode()).isEqualTo(404);
    assertThat(get(at, "/metrics").body()).isEmpty();
  }

  @Test
  void whenStatsAreDisabledNothingListens() throws Exception {
    int port = freePort();
    MetricsSection disabled =
        new MetricsSection(
            false, Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port), Duration.ofSeconds(2));
    PrometheusServer s = server(disabled, clusterRegistry());

    assertThat(s.enabled()).isFalse();
    assertThat(s.start()).isEmpty();
    assertThat(s.addresses()).isEmpty();
    assertThatThrownBy(() -> get(new InetSocketAddress("127.0.0.1", port), "/metrics"))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void anUnsupportedEndpointIsAConfigErrorNamingTheKeyOnlyWhenEnabled() {
    MetricsSection udp =
        new MetricsSection(true, Multiaddr.parse("/ip4/127.0.0.1/udp/8888"), Duration.ofSeconds(2));

    assertThatThrownBy(() -> new PrometheusServer(udp, new MetricsRegistry()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("observations.metrics.prometheus_endpoint");
    MetricsSection off = new MetricsSection(false, udp.prometheusEndpoint(), Duration.ofSeconds(2));
    assertThat(server(off, new MetricsRegistry()).start()).isEmpty();
  }

  @Test
  void itStartsOnceAndClosesAnyNumberOfTimes() throws Exception {
    PrometheusServer s = server(enabledOn("/ip4/127.0.0.1/tcp/0"), new MetricsRegistry());
    InetSocketAddress at = s.start().get(0);
    assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);

    s.close();
    s.close();

    assertThatThrownBy(() -> get(at, "/metrics")).isInstanceOf(IOException.class);
    assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

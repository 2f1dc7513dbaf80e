package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.OTHER;
import static io.pincluster.restapi.FakeClusterApi.SELF;
import static io.pincluster.restapi.FakeClusterApi.T;
import static io.pincluster.restapi.FakeClusterApi.metric;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.ConnectGraph;
import io.pincluster.core.api.Metric;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** GET /monitor/metrics, /monitor/metrics/{name}, /health/alerts and /health/graph. */
class MonitorAndHealthTest extends ApiHarness {
  private static final List<String> PATHS =
      List.of("/monitor/metrics", "/monitor/metrics/ping", "/health/alerts", "/health/graph");

  @Test
  void metricNamesAreOneJsonArrayAndAnEmptyOneWhenThereAreNone() throws IOException {
    start();
    try (Response r = call("GET", "/monitor/metrics")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("Trailer")).isNull();
      assertThat(r.body().string()).isEqualTo("[]\n");
    }
    api.metrics.put("ping", List.of(metric("ping", SELF, "{}", 0)));
    api.metrics.put("freespace", List.of(metric("freespace", SELF, "100", 100)));
    try (Response r = call("GET", "/monitor/metrics")) {
      assertThat(r.body().string()).isEqualTo("[\"freespace\",\"ping\"]\n");
    }
  }

  @Test
  void latestMetricsOfANameAreAnArrayOfMetricsThatReadsBack() throws IOException {
    Metric self = metric("freespace", SELF, "1000", 1000);
    Metric other = metric("freespace", OTHER, "5", 5);
    api.metrics.put("freespace", List.of(self, other));
    start();
    try (Response r = call("GET", "/monitor/metrics/freespace")) {
      assertThat(r.code()).isEqualTo(200);
      byte[] body = r.body().bytes();
      JsonNode array = Json.mapper().readTree(body);
      assertThat(array.isArray()).isTrue();
      assertThat(array).hasSize(2);
      JsonNode first = array.get(0);
      assertThat(first.get("peer").asText()).isEqualTo(SELF.toString());
      assertThat(first.get("value").asText()).isEqualTo("1000");
      assertThat(first.get("weight").asLong()).isEqualTo(1000);
      // Unix nanoseconds as JSON numbers, as Go's int64 fields.
      long received = T.toEpochMilli() * 1_000_000L + 1_000_000_000L;
      assertThat(first.get("received_at").isIntegralNumber()).isTrue();
      assertThat(first.get("received_at").asLong()).isEqualTo(received);
      assertThat(first.get("expire").asLong()).isEqualTo(received + 30_000_000_000L);
      assertThat(Json.read(body, Metric[].class)).containsExactly(self, other);
    }
    try (Response r = call("GET", "/monitor/metrics/nobody-publishes-this")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("[]\n");
    }
    assertThat(api.metricQueries).containsExactly("freespace", "nobody-publishes-this");
  }

  @Test
  void metricNamesInThePathAreDecodedAndABlankOneIs400() throws IOException {
    api.metrics.put("tag:region", List.of(metric("tag:region", OTHER, "eu", 0)));
    start();
    try (Response r = call("GET", "/monitor/metrics/tag%3Aregion")) {
      JsonNode m = json(r).get(0);
      assertThat(m.get("name").asText()).isEqualTo("tag:region");
      assertThat(m.get("partitionable").asBoolean()).isTrue();
    }
    try (Response r = call("GET", "/monitor/metrics/tag:region")) {
      assertThat(json(r)).hasSize(1);
    }
    try (Response r = call("GET", "/monitor/metrics/%20")) {
      assertError(r, 400, "parameter name invalid: a metric name cannot be blank");
    }
    try (Response r = call("GET", "/monitor/metrics/")) {
      assertThat(r.code()).isEqualTo(307);
      assertThat(r.header("Location")).isEqualTo("/monitor/metrics");
    }
    assertThat(api.metricQueries).containsExactly("tag:region", "tag:region");
  }

  @Test
  void alertsAreAnArrayNewestFirstWithTheirTriggerTime() throws IOException {
    start();
    try (Response r = call("GET", "/health/alerts")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).isEqualTo("[]\n");
    }
    Alert newer = Alert.of(metric("ping", OTHER, "{}", 0), T.plusSeconds(60));
    Alert older = Alert.of(metric("freespace", OTHER, "5", 5), T.plusSeconds(30));
    api.alertList.addAll(List.of(newer, older));
    try (Response r = call("GET", "/health/alerts")) {
      byte[] body = r.body().bytes();
      JsonNode array = Json.mapper().readTree(body);
      assertThat(array)
          .extracting(a -> a.get("name").asText())
          .containsExactly("ping", "freespace");
      assertThat(array.get(0).get("triggered_at").asText()).isEqualTo("2026-01-02T03:05:05Z");
      assertThat(Json.read(body, Alert[].class)).containsExactly(newer, older);
    }
  }

  @Test
  void graphIsOneConnectGraphKeyedByPeerIds() throws IOException {
    start();
    try (Response r = call("GET", "/health/graph")) {
      assertThat(r.code()).isEqualTo(200);
      byte[] body = r.body().bytes();
      JsonNode g = Json.mapper().readTree(body);
      assertThat(g.get("cluster_id").asText()).isEqualTo(SELF.toString());
      assertThat(g.get("id_to_peername").get(OTHER.toString()).asText()).isEqualTo("other");
      assertThat(g.get("cluster_links").get(SELF.toString()).get(0).asText())
          .isEqualTo(OTHER.toString());
      assertThat(g.get("cluster_links").get(OTHER.toString())).isEmpty();
      assertThat(g.get("cluster_trust_links").get(OTHER.toString()).asBoolean()).isTrue();
      assertThat(g.get("cluster_to_ipfs").get(SELF.toString()).asText()).isEqualTo("12D3KooWipfsA");
      assertThat(g.get("ipfs_links").get("12D3KooWipfsA").get(0).asText())
          .isEqualTo("12D3KooWipfsB");
      assertThat(Json.read(body, ConnectGraph.class)).isEqualTo(FakeClusterApi.graph());
    }
  }

  @Test
  void aFailingMonitorIs500WithItsMessage() throws IOException {
    start();
    api.monitorFailure = new PeerUnreachableException("peer X is unreachable");
    for (String path : PATHS) {
      try (Response r = call("GET", path)) {
        assertError(r, 500, "peer X is unreachable");
      }
    }
  }

  @Test
  void onlyGetIsServed() throws IOException {
    start();
    for (String path : PATHS) {
      try (Response r = call("POST", path)) {
        assertThat(r.code()).as(path).isEqualTo(405);
        assertThat(r.header("Allow")).as(path).isEqualTo("GET");
      }
    }
  }

  @Test
  void everyMonitoringRouteNeedsAuthenticationUnlikeHealth() throws IOException {
    start(s -> s.credentials = Map.of("u", "p"));
    String auth = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes());
    for (String path : PATHS) {
      try (Response r = call("GET", path)) {
        assertThat(r.code()).as(path).isEqualTo(401);
        assertThat(json(r).get("message").asText()).isEqualTo("unauthorized: no auth provided");
      }
      try (Response r = call("GET", path, b -> b.header("Authorization", auth))) {
        assertThat(r.code()).as(path).isEqualTo(200);
      }
    }
    try (Response r = call("GET", "/health")) {
      assertThat(r.code()).isEqualTo(204);
    }
  }
}

package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.testing.Cids;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code observations.metrics}: a running daemon's /metrics, scraped and parsed. */
class PrometheusEndpointTest {
  @TempDir Path dir;

  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  @Test
  void aDaemonWithStatsEnabledServesClusterRaftAndJvmMetrics() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.start(
            dir,
            1,
            json ->
                ((ObjectNode) json.get("observations").get("metrics"))
                    .put("enable_stats", true)
                    .put("prometheus_endpoint", "/ip4/127.0.0.1/tcp/0"))) {
      await().atMost(Duration.ofSeconds(30)).until(cluster::ready);
      cluster.peer(0).cluster().pin(Cids.random(), PinOptions.DEFAULT).get(20, TimeUnit.SECONDS);
      int port = cluster.peer(0).prometheusAddresses().get(0).getPort();
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      Map<String, Double> samples = parse(r.body());
      assertThat(samples)
          .containsEntry("ipfscluster_pins", 1.0)
          .containsEntry("pincluster_raft_leader", 1.0)
          .containsEntry("pincluster_peers", 1.0)
          .containsKeys("pincluster_raft_term", "pincluster_raft_apply_lag", "pincluster_alerts")
          .containsKeys("ipfscluster_pins_pin_queued", "ipfscluster_pins_pin_error");
      assertThat(samples.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
    }
  }
}

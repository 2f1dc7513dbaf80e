package io.pincluster.testing.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads each live peer's Prometheus gauge {@code pincluster_raft_leader} (1 when that peer's Raft
 * server leads). Needs {@code observations.metrics.enable_stats}, which {@link ProcessCluster}
 * always sets (on a random loopback port). Works whatever protects the Raft port. When two peers
 * say they lead (an old leader not yet told), the first one found wins; callers that need certainty
 * retry.
 */
public final class MetricsLeaderProbe implements LeaderProbe {
  private static final String GAUGE = "pincluster_raft_leader";
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Override
  public int leader(ProcessCluster cluster) {
    for (int n = 0; n < cluster.size(); n++) {
      if (cluster.isAlive(n) && leads(cluster.metricsUrl(n))) {
        return n;
      }
    }
    return -1;
  }

  /** True when the endpoint answers with the gauge at 1; false otherwise or on any error. */
  boolean leads(String metricsUrl) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(3)).build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && gaugeIsOne(r.body());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when the exposition text holds {@code pincluster_raft_leader 1} (any labels). */
  static boolean gaugeIsOne(String text) {
    for (String line : text.split("\n")) {
      if (line.startsWith(GAUGE + " ") || line.startsWith(GAUGE + "{")) {
        int end = line.startsWith(GAUGE + "{") ? line.indexOf('}') + 1 : GAUGE.length();
        String[] parts = line.substring(end).trim().split("\\s+");
        try {
          return Double.parseDouble(parts[0]) == 1.0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }
}

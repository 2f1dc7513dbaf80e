package io.pincluster.ctl;

import static io.pincluster.ctl.Fixtures.PEER1;
import static io.pincluster.ctl.Fixtures.PEER2;
import static io.pincluster.ctl.Fixtures.PEER3;
import static io.pincluster.ctl.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.ConnectGraph;
import io.pincluster.core.api.Metric;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.PeerId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** health metrics, health alerts and health graph, black-box against a fake REST API. */
class HealthCommandsTest extends CtlHarness {
  private static final String IPFS_A = "QmIpfsNodeOfPeerA00001";
  private static final String IPFS_B = "QmIpfsNodeOfPeerB00002";
  private static final String OUTSIDER = "QmOutsideSwarmPeer0003";

  @TempDir Path tmp;

  private static long unixNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static Metric metric(String name, PeerId peer, String value, long weight, Instant exp) {
    return new Metric(name, peer, value, unixNanos(exp), true, weight, false, unixNanos(exp) - 1);
  }

  @Test
  void metricsWithoutANameListTheNamesOnePerLineOrAsOneJsonArray() throws Exception {
    server.enqueue(json(List.of("freespace", "ping", "tag:region")));
    server.enqueue(json(List.of("freespace", "ping", "tag:region")));

    Result text = ctl("health", "metrics");
    Result asJson = ctl("--enc", "json", "health", "metrics");

    assertThat(text.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /monitor/metrics");
    assertThat(text.out()).isEqualTo("freespace\nping\ntag:region\n");
    assertThat(text.err()).isEmpty();
    assertThat(asJson.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /monitor/metrics");
    assertThat(asJson.out())
        .isEqualTo("[\n    \"freespace\",\n    \"ping\",\n    \"tag:region\"\n]\n");
  }

  @Test
  void metricsOfANamePrintOnePeerPerLineWithTheTimeLeftOrExpired() throws Exception {
    Metric fresh = metric("freespace", PEER1, "1200000000", 1_200_000_000L, now.plusMillis(29_500));
    Metric stale = metric("freespace", PEER2, "5", 5, now.minusSeconds(1));
    server.enqueue(json(List.of(fresh, stale)));

    Result r = ctl("health", "metrics", "freespace");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /monitor/metrics/freespace");
    assertThat(r.out())
        .isEqualTo(
            PEER1
                + " | freespace: 1.2 GB | Expires in: 30s\n"
                + PEER2
                + " | freespace: 5 B | Expires in: expired\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void otherMetricsShowTheirValueAsPublishedAndTheirNameGoesInThePath() throws Exception {
    Metric tag = metric("tag:region", PEER3, "eu-west", 0, now.plusSeconds(90));
    server.enqueue(json(List.of(tag)));

    Result r = ctl("health", "metrics", "tag:region");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /monitor/metrics/tag:region");
    assertThat(r.out()).isEqualTo(PEER3 + " | tag:region: eu-west | Expires in: 1m30s\n");
  }

  @Test
  void metricsAsJsonAreTheApiArrayThatReadsBack() throws Exception {
    Metric fresh = metric("ping", PEER1, "{}", 0, now.plusSeconds(30));
    Metric other = metric("ping", PEER2, "{}", 0, now.plusSeconds(10));
    server.enqueue(json(List.of(fresh, other)));

    Result r = ctl("--enc", "json", "health", "metrics", "ping");

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("[\n    {\n        \"name\": \"ping\",\n");
    assertThat(Json.read(r.out().getBytes(StandardCharsets.UTF_8), Metric[].class))
        .containsExactly(fresh, other);
    JsonNode first = Json.mapper().readTree(r.out()).get(0);
    assertThat(first.get("received_at").isIntegralNumber()).isTrue();
    assertThat(first.get("expire").asLong()).isEqualTo(fresh.expire());
  }

  @Test
  void emptyAnswersPrintNothingAsTextAndAnEmptyArrayAsJson() throws Exception {
    server.enqueue(json(200, "[]\n"));
    server.enqueue(json(200, "[]\n"));
    server.enqueue(json(200, "[]\n"));
    server.enqueue(json(200, "null"));

    Result names = ctl("health", "metrics");
    Result metrics = ctl("health", "metrics", "nobody-publishes-this");
    Result alerts = ctl("--enc", "json", "health", "alerts");
    Result nil = ctl("health", "alerts");

    assertThat(List.of(names, metrics, alerts, nil)).allMatch(r -> r.code() == 0);
    assertThat(names.out()).isEmpty();
    assertThat(metrics.out()).isEmpty();
    assertThat(alerts.out()).isEqualTo("[]\n");
    assertThat(nil.out()).isEmpty();
  }

  @Test
  void aNullItemInTheAnswerIsAnUndecodableAnswer() {
    server.enqueue(json(200, "[null]"));

    Result r = ctl("health", "alerts");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("error: cannot decode the answer to GET /health/alerts from 127.0.0.1:")
        .endsWith(": the array has a null item\n");
  }

  @Test
  void aBlankMetricNameIsRefusedBeforeAnyRequest() {
    Result r = ctl("health", "metrics", " ");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("error: a metric name cannot be blank\n");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void alertsPrintOneLinePerAlertNewestFirstInUtcSeconds() throws Exception {
    Instant expired = Instant.parse("2024-05-01T11:59:00.123456789Z");
    Alert newer =
        Alert.of(metric("ping", PEER2, "{}", 0, expired), Instant.parse("2024-05-01T11:59:15Z"));
    Alert older =
        Alert.of(
            metric("freespace", PEER3, "5", 5, expired.minusSeconds(60)),
            Instant.parse("2024-05-01T11:58:15.5Z"));
    server.enqueue(json(List.of(newer, older)));
    server.enqueue(json(List.of(newer, older)));

    Result text = ctl("health", "alerts");
    Result asJson = ctl("--enc", "json", "health", "alerts");

    assertThat(text.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /health/alerts");
    assertThat(text.out())
        .isEqualTo(
            PEER2
                + ": ping. Expired at: 2024-05-01T11:59:00Z. Triggered at: 2024-05-01T11:59:15Z\n"
                + PEER3
                + ": freespace. Expired at: 2024-05-01T11:58:00Z."
                + " Triggered at: 2024-05-01T11:58:15Z\n");
    assertThat(asJson.code()).isZero();
    JsonNode array = Json.mapper().readTree(asJson.out());
    assertThat(array).extracting(a -> a.get("name").asText()).containsExactly("ping", "freespace");
    assertThat(array.get(0).get("triggered_at").asText()).isEqualTo("2024-05-01T11:59:15Z");
    assertThat(Json.read(asJson.out().getBytes(StandardCharsets.UTF_8), Alert[].class))
        .containsExactly(newer, older);
  }

  /**
   * PEER1 (peer-a) built it and hears from PEER2 and PEER3; PEER2 hears from PEER1; PEER3 (not
   * trusted) has no IPFS daemon; daemon A is connected to B and to a non-cluster swarm peer.
   */
  private static ConnectGraph graph() {
    return new ConnectGraph(
        PEER1,
        Map.of(
            PEER1.toString(), "peer-a", PEER2.toString(), "peer-b", PEER3.toString(), "peer \"c\""),
        Map.of(IPFS_A, List.of(IPFS_B, OUTSIDER), IPFS_B, List.of(IPFS_A)),
        Map.of(
            PEER1.toString(),
            List.of(PEER3.toString(), PEER2.toString()),
            PEER2.toString(),
            List.of(PEER1.toString()),
            PEER3.toString(),
            List.of()),
        Map.of(PEER1.toString(), true, PEER2.toString(), true, PEER3.toString(), false),
        Map.of(PEER1.toString(), IPFS_A, PEER2.toString(), IPFS_B));
  }

  // Peer IDs sort as PEER2 < PEER1 < PEER3, so PEER2 is C0, PEER1 (self) C1, PEER3 C2.
  private static final String DOT =
      """
      digraph cluster {
        /* The cluster peers */
        subgraph {
          rank="min"
          C0 [label="peer-b\\n12*c298L3" shape="box3d" style="filled" color="orange" fontname="Arial"]
          C1 [label="peer-a\\n12*9HyQ6X" shape="box3d" style="filled" color="orange" fontname="Arial" peripheries="2"]
          C2 [label="peer \\"c\\"\\n12*CVe2Xo" shape="box3d" style="filled" color="darkorange3" fontname="Arial"]
        }

        /* The IPFS daemons */
        subgraph {
          rank="max"
          I0 [label="IPFS\\nQm*A00001" shape="cylinder" style="filled" color="turquoise3" fontname="Arial"]
          I1 [label="IPFS\\nQm*B00002" shape="cylinder" style="filled" color="turquoise3" fontname="Arial"]
          I2 [label="IPFS\\nErrored" shape="cylinder" style="filled" color="firebrick1" fontname="Arial"]
        }

        /* The connections among cluster peers (a peer -> the peers it hears from) */
        C0 -> C1
        C1 -> C0
        C1 -> C2

        /* The connections between cluster peers and their IPFS daemons */
        C0 -> I1
        C1 -> I0
        C2 -> I2 [style="dotted"]

        /* The swarm connections among IPFS daemons */
        I0 -> I1
        I1 -> I0
      }
      """;

  @Test
  void graphIsAWellFormedDotDigraphOfPeersDaemonsAndTheirLinks() throws Exception {
    server.enqueue(json(graph()));

    Result r = ctl("health", "graph");

    assertThat(r.code()).isZero();
    assertThat(line(request())).isEqualTo("GET /health/graph");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).startsWith("digraph cluster {\n").endsWith("}\n");
    assertThat(r.out().chars().filter(c -> c == '{').count())
        .isEqualTo(r.out().chars().filter(c -> c == '}').count());
    assertThat(r.out()).isEqualTo(DOT);
  }

  @Test
  void allIpfsPeersAlsoDrawsSwarmPeersOutsideTheCluster() throws Exception {
    server.enqueue(json(graph()));

    Result r = ctl("health", "graph", "--all-ipfs-peers");

    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("    I2 [label=\"IPFS\\nQm*er0003\" shape=\"cylinder\"")
        .contains("    I3 [label=\"IPFS\\nErrored\"")
        .contains("  C2 -> I3 [style=\"dotted\"]\n")
        .contains("  I0 -> I1\n  I0 -> I2\n  I1 -> I0\n}\n");
  }

  @Test
  void graphGoesToTheFileGivenAndNothingToStdout() throws Exception {
    Path file = tmp.resolve("cluster.dot");
    Files.writeString(file, "an older graph that is longer than the new one ".repeat(100));
    server.enqueue(json(graph()));

    Result r = ctl("health", "graph", "-f", file.toString());

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(DOT);
  }

  @Test
  void graphAsJsonIsTheConnectGraphThatReadsBack() throws Exception {
    server.enqueue(json(graph()));
    server.enqueue(json(graph()));
    Path file = tmp.resolve("graph.json");

    Result r = ctl("--enc", "json", "health", "graph");
    Result toFile = ctl("--enc", "json", "health", "graph", "--file", file.toString());

    assertThat(r.code()).isZero();
    JsonNode g = Json.mapper().readTree(r.out());
    assertThat(g.get("cluster_id").asText()).isEqualTo(PEER1.toString());
    assertThat(g.get("cluster_to_ipfs").get(PEER2.toString()).asText()).isEqualTo(IPFS_B);
    assertThat(Json.read(r.out().getBytes(StandardCharsets.UTF_8), ConnectGraph.class))
        .isEqualTo(graph());
    assertThat(toFile.code()).isZero();
    assertThat(Files.readString(file)).isEqualTo(r.out());
  }

  @Test
  void aGraphFileThatCannotBeWrittenIsAnErrorNamingIt() {
    server.enqueue(json(graph()));
    Path file = tmp.resolve("missing-dir").resolve("cluster.dot");

    Result r = ctl("health", "graph", "--file", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("error: cannot write the graph to " + file + ": its directory does not exist\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anApiErrorIsPrintedAndExitsTwoForEveryHealthCommand() throws Exception {
    Path file = tmp.resolve("never.dot");
    List<String[]> commands =
        List.of(
            new String[] {"health", "metrics"},
            new String[] {"health", "metrics", "ping"},
            new String[] {"health", "alerts"},
            new String[] {"health", "graph", "-f", file.toString()});
    for (String[] command : commands) {
      server.enqueue(Fixtures.apiError(500, "peer X is unreachable"));

      Result r = ctl(command);

      assertThat(r.code()).as(String.join(" ", command)).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err())
          .isEqualTo("An error occurred:\n  Code: 500\n  Message: peer X is unreachable\n");
    }
    assertThat(file).doesNotExist();
  }

  @Test
  void healthListsItsCommandsAndTheyAppearInTheCommandTree() {
    Result help = raw("health");
    Result tree = raw("commands");

    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("metrics", "alerts", "graph");
    assertThat(tree.out().lines())
        .contains(
            "cluster-ctl health metrics", "cluster-ctl health alerts", "cluster-ctl health graph");
    assertThat(server.getRequestCount()).isZero();
  }
}

package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.OTHER;
import static io.pincluster.restapi.FakeClusterApi.SELF;
import static io.pincluster.restapi.FakeClusterApi.cid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.AddBody;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Every JSON object the REST API writes, against the field names of IPFS Cluster v1 (reference
 * §1.3): one table of names per type, and each answer's keys must be exactly that set (minus the
 * fields IPFS Cluster leaves out when empty, where the table says so).
 */
class JsonContractTest extends ApiHarness {
  /** The reference's field names per type. */
  private static final Map<String, Set<String>> SHAPES =
      Map.ofEntries(
          Map.entry(
              "ID",
              Set.of(
                  "id",
                  "addresses",
                  "cluster_peers",
                  "cluster_peers_addresses",
                  "version",
                  "commit",
                  "rpc_protocol_version",
                  "error",
                  "ipfs",
                  "peername")),
          Map.entry("IPFSID", Set.of("id", "addresses", "error")),
          Map.entry("Version", Set.of("version")),
          Map.entry(
              "Pin",
              Set.of(
                  "cid",
                  "type",
                  "allocations",
                  "max_depth",
                  "reference",
                  "timestamp",
                  "replication_factor_min",
                  "replication_factor_max",
                  "name",
                  "mode",
                  "shard_size",
                  "user_allocations",
                  "expire_at",
                  "metadata",
                  "pin_update",
                  "origins")),
          Map.entry(
              "GlobalPinInfo",
              Set.of("cid", "name", "allocations", "origins", "created", "metadata", "peer_map")),
          Map.entry(
              "PinInfoShort",
              Set.of(
                  "peername",
                  "ipfs_peer_id",
                  "ipfs_peer_addresses",
                  "status",
                  "timestamp",
                  "error",
                  "attempt_count",
                  "priority_pin")),
          Map.entry("AddedOutput", Set.of("name", "cid", "bytes", "size", "allocations")),
          Map.entry("GlobalRepoGC", Set.of("peer_map")),
          Map.entry("RepoGC", Set.of("peer", "peername", "keys", "error")),
          Map.entry("IPFSRepoGC", Set.of("key", "error")),
          Map.entry("Error", Set.of("code", "message")),
          Map.entry("Token", Set.of("token")),
          Map.entry("PinResult", Set.of("line", "cid", "error")),
          Map.entry(
              "Metric",
              Set.of(
                  "name",
                  "peer",
                  "value",
                  "expire",
                  "valid",
                  "weight",
                  "partitionable",
                  "received_at")),
          Map.entry(
              "Alert",
              Set.of(
                  "name",
                  "peer",
                  "value",
                  "expire",
                  "valid",
                  "weight",
                  "partitionable",
                  "received_at",
                  "triggered_at")),
          Map.entry(
              "ConnectGraph",
              Set.of(
                  "cluster_id",
                  "id_to_peername",
                  "ipfs_links",
                  "cluster_links",
                  "cluster_trust_links",
                  "cluster_to_ipfs")));

  /** Fields IPFS Cluster leaves out when empty or zero ({@code omitempty}). */
  private static final Map<String, Set<String>> OMITTED_WHEN_EMPTY =
      Map.of(
          "PinInfoShort", Set.of("ipfs_peer_id", "ipfs_peer_addresses"),
          "AddedOutput", Set.of("bytes", "size", "allocations"));

  private static void assertShape(String type, JsonNode node, String... omitted) {
    assertThat(node.isObject()).as(type + " is an object: " + node).isTrue();
    List<String> expected = new ArrayList<>(SHAPES.get(type));
    for (String o : omitted) {
      assertThat(OMITTED_WHEN_EMPTY.getOrDefault(type, Set.of()))
          .as(type + "." + o + " may be omitted")
          .contains(o);
      expected.remove(o);
    }
    assertThat(fields(node))
        .as(type + " keys of " + node)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static void assertTime(JsonNode n) {
    assertThat(n.isTextual()).as("RFC 3339 text: " + n).isTrue();
    OffsetDateTime.parse(n.asText());
  }

  private static void assertCid(JsonNode n) {
    assertThat(n.isTextual()).as("a CID is plain text in v1: " + n).isTrue();
    Cid.parse(n.asText());
  }

  @Test
  void idAndPeersAreIdObjects() throws IOException {
    start();
    try (Response r = call("GET", "/id")) {
      JsonNode id = json(r);
      assertShape("ID", id);
      assertShape("IPFSID", id.get("ipfs"));
      assertThat(id.get("cluster_peers").isArray()).isTrue();
    }
    try (Response r = call("GET", "/peers")) {
      for (JsonNode peer : ndjson(r)) {
        assertShape("ID", peer);
        assertShape("IPFSID", peer.get("ipfs"));
      }
    }
    try (Response r = call("GET", "/version")) {
      assertShape("Version", json(r));
    }
  }

  @Test
  void pinsEverywhereTheyAreAnswered() throws IOException {
    start();
    Cid a = cid("a");
    Cid b = cid("b");
    api.resolved.put("/ipns/x", b);
    List<JsonNode> pins = new ArrayList<>();
    try (Response r = call("POST", "/pins/" + a + "?meta-k=v&user-allocations=" + OTHER)) {
      pins.add(json(r));
    }
    try (Response r = call("POST", "/pins/ipns/x")) {
      pins.add(json(r));
    }
    try (Response r = call("GET", "/allocations")) {
      pins.addAll(ndjson(r));
    }
    try (Response r = call("GET", "/allocations/" + a)) {
      pins.add(json(r));
    }
    try (Response r = call("DELETE", "/pins/ipns/x")) {
      pins.add(json(r));
    }
    try (Response r = call("DELETE", "/pins/" + a)) {
      pins.add(json(r));
    }
    assertThat(pins).hasSize(7);
    for (JsonNode p : pins) {
      assertShape("Pin", p);
      assertCid(p.get("cid"));
      assertTime(p.get("timestamp"));
      assertTime(p.get("expire_at"));
      assertThat(p.get("type").asText()).isEqualTo("pin");
      assertThat(p.get("mode").asText()).isEqualTo("recursive");
      assertThat(p.get("max_depth").asInt()).isEqualTo(-1);
      assertThat(p.get("reference").isNull()).isTrue();
      assertThat(p.get("pin_update").isNull()).isTrue();
      assertThat(p.get("metadata").isObject()).isTrue();
    }
    assertThat(pins.get(0).get("expire_at").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(pins.get(0).get("user_allocations").get(0).asText()).isEqualTo(OTHER.toString());
  }

  @Test
  void statusesRecoverAndGcAreGlobalObjects() throws IOException {
    start();
    Cid a = cid("a");
    call("POST", "/pins/" + a).close();
    List<JsonNode> global = new ArrayList<>();
    try (Response r = call("GET", "/pins/" + a)) {
      global.add(json(r));
    }
    try (Response r = call("GET", "/pins?local=true")) {
      global.addAll(ndjson(r));
    }
    try (Response r = call("GET", "/pins?cids=" + a)) {
      global.addAll(ndjson(r));
    }
    try (Response r = call("POST", "/pins/" + a + "/recover")) {
      global.add(json(r));
    }
    try (Response r = call("POST", "/pins/recover")) {
      global.addAll(ndjson(r));
    }
    assertThat(global).hasSize(5);
    for (JsonNode g : global) {
      assertShape("GlobalPinInfo", g);
      assertTime(g.get("created"));
      g.get("peer_map")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode s = e.getValue();
                if (s.has("ipfs_peer_id")) {
                  assertShape("PinInfoShort", s);
                } else {
                  assertShape("PinInfoShort", s, "ipfs_peer_id", "ipfs_peer_addresses");
                }
                assertTime(s.get("timestamp"));
                assertThat(s.get("status").isTextual()).isTrue();
              });
    }
    assertShape("PinInfoShort", global.get(0).get("peer_map").get(SELF.toString()));
    try (Response r = call("POST", "/ipfs/gc")) {
      JsonNode gc = json(r);
      assertShape("GlobalRepoGC", gc);
      gc.get("peer_map")
          .fields()
          .forEachRemaining(
              e -> {
                assertShape("RepoGC", e.getValue());
                e.getValue().get("keys").forEach(k -> assertShape("IPFSRepoGC", k));
              });
    }
  }

  @Test
  void addedOutputErrorsTokensAndBulkResults() throws IOException {
    start(s -> s.credentials = Map.of("u", "p"));
    String auth = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes());
    AddBody body = AddBody.ofFile("f", new byte[5]);
    try (Response r =
        post(
            "/add",
            RequestBody.create(body.bytes(), MediaType.get(body.contentType())),
            b -> b.header("Authorization", auth))) {
      List<JsonNode> out = ndjson(r);
      assertShape("AddedOutput", out.get(0), "size", "allocations");
      assertThat(out.get(0).get("cid").isNull()).isTrue();
      assertShape("AddedOutput", out.get(1), "bytes");
      assertCid(out.get(1).get("cid"));
    }
    try (Response r = call("POST", "/token", b -> b.header("Authorization", auth))) {
      assertShape("Token", json(r));
    }
    try (Response r = call("GET", "/nowhere", b -> b.header("Authorization", auth))) {
      assertShape("Error", json(r));
    }
    try (Response r = call("GET", "/id")) {
      assertShape("Error", json(r));
    }
    try (Response r =
        post(
            "/pins",
            RequestBody.create(cid("x") + "\nbad\n", MediaType.get("application/x-ndjson")),
            b -> b.header("Authorization", auth))) {
      for (JsonNode result : ndjson(r)) {
        assertShape("PinResult", result);
      }
    }
  }

  @Test
  void metricsAlertsAndTheConnectGraph() throws IOException {
    api.metrics.put("ping", List.of(FakeClusterApi.metric("ping", SELF, "{}", 0)));
    api.alertList.add(
        io.pincluster.core.api.Alert.of(
            FakeClusterApi.metric("ping", OTHER, "{}", 0), FakeClusterApi.T));
    start();
    try (Response r = call("GET", "/monitor/metrics")) {
      JsonNode names = json(r);
      assertThat(names.isArray()).isTrue();
      assertThat(names.get(0).isTextual()).isTrue();
    }
    try (Response r = call("GET", "/monitor/metrics/ping")) {
      JsonNode m = json(r).get(0);
      assertShape("Metric", m);
      assertThat(m.get("value").isTextual()).isTrue();
      assertThat(m.get("expire").isIntegralNumber()).isTrue();
      assertThat(m.get("received_at").isIntegralNumber()).isTrue();
      assertThat(m.get("weight").isIntegralNumber()).isTrue();
      assertThat(m.get("valid").isBoolean()).isTrue();
      assertThat(m.get("partitionable").isBoolean()).isTrue();
    }
    try (Response r = call("GET", "/health/alerts")) {
      JsonNode a = json(r).get(0);
      assertShape("Alert", a);
      assertTime(a.get("triggered_at"));
      assertThat(a.get("expire").isIntegralNumber()).isTrue();
    }
    try (Response r = call("GET", "/health/graph")) {
      JsonNode g = json(r);
      assertShape("ConnectGraph", g);
      assertThat(g.get("cluster_id").isTextual()).isTrue();
      assertThat(g.get("ipfs_links").elements().next().isArray()).isTrue();
      assertThat(g.get("cluster_links").elements().next().isArray()).isTrue();
      assertThat(g.get("cluster_trust_links").elements().next().isBoolean()).isTrue();
      assertThat(g.get("cluster_to_ipfs").elements().next().isTextual()).isTrue();
      assertThat(g.get("id_to_peername").elements().next().isTextual()).isTrue();
    }
  }
}

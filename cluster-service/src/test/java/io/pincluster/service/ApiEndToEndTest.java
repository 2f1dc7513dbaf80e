package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.AddBody;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-5 features through the running daemons of a 3-peer cluster: {@code POST /add}, pins by
 * IPFS path, pin update, and the IPFS proxy (intercepted and forwarded calls).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiEndToEndTest {
  static final Duration WAIT = Duration.ofSeconds(45);
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  LocalCluster cluster;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    cluster = LocalCluster.start(dir, 3);
    await().atMost(WAIT).until(() -> cluster.ready());
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  HttpResponse<String> send(String method, String url, HttpRequest.BodyPublisher body, String type)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).method(method, body);
    if (type != null) {
      b.header("Content-Type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url) throws Exception {
    return send("POST", url, HttpRequest.BodyPublishers.noBody(), null);
  }

  static List<JsonNode> ndjson(String body) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  String proxyUrl(int i) {
    return "http://127.0.0.1:" + cluster.peer(i).ipfsProxyAddresses().get(0).getPort();
  }

  /** The pin of {@code cid} once peer {@code i} has applied it. */
  Pin allocation(int i, Cid cid) {
    return await()
        .atMost(WAIT)
        .until(() -> cluster.peer(i).cluster().allocation(cid), java.util.Optional::isPresent)
        .orElseThrow();
  }

  void awaitGone(int i, Cid cid) {
    await().atMost(WAIT).until(() -> cluster.peer(i).cluster().allocation(cid).isEmpty());
  }

  void awaitPinnedEverywhere(Cid cid) {
    await()
        .atMost(WAIT)
        .until(() -> cluster.running().stream().allMatch(i -> cluster.kubo(i).isPinned(cid)));
  }

  @Test
  void addStoresInTheReceivingNodeAndPinsTheRootInTheCluster() throws Exception {
    byte[] content = "hello pincluster add".getBytes(StandardCharsets.UTF_8);
    AddBody body = AddBody.ofFile("hello.txt", content);
    HttpResponse<String> r =
        send(
            "POST",
            cluster.restUrl(1)
                + "/add?name=greeting&cid-version=1&replication-min=2&replication-max=2",
            HttpRequest.BodyPublishers.ofByteArray(body.bytes()),
            body.contentType());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = ndjson(r.body());
    JsonNode last = out.get(out.size() - 1);
    Cid root = Cid.parse(last.get("cid").asText());
    assertThat(root).isEqualTo(FakeKubo.addedCid(content, Map.of("cid-version", "1")));
    assertThat(last.get("name").asText()).isEqualTo("hello.txt");
    assertThat(last.get("allocations")).hasSize(2);
    assertThat(cluster.kubo(1).hasBlock(root)).isTrue();
    Pin pin = allocation(0, root);
    assertThat(pin.name()).isEqualTo("greeting");
    List<String> answered = new ArrayList<>();
    last.get("allocations").forEach(a -> answered.add(a.asText()));
    assertThat(pin.allocations().stream().map(Object::toString))
        .containsExactlyInAnyOrderElementsOf(answered);
    for (var peer : pin.allocations()) {
      await().atMost(WAIT).until(() -> cluster.kubo(cluster.indexOf(peer)).isPinned(root));
    }
  }

  @Test
  void theHealthGraphShowsEveryPeerHearingTheOthersAndItsIpfsNode() throws Exception {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              JsonNode g =
                  JSON.readTree(
                      send(
                              "GET",
                              cluster.restUrl(1) + "/health/graph",
                              HttpRequest.BodyPublishers.noBody(),
                              null)
                          .body());
              for (int i = 0; i < 3; i++) {
                String id = cluster.id(i).toString();
                if (g.get("cluster_links").get(id) == null
                    || g.get("cluster_links").get(id).size() != 2
                    || !cluster
                        .kubo(i)
                        .peerId()
                        .toString()
                        .equals(g.get("cluster_to_ipfs").path(id).asText())) {
                  return false;
                }
              }
              return g.get("cluster_id").asText().equals(cluster.id(1).toString());
            });
  }

  @Test
  void noPinAddsWithoutPinning() throws Exception {
    byte[] content = "not pinned".getBytes(StandardCharsets.UTF_8);
    AddBody body = AddBody.ofFile("n.txt", content);
    HttpResponse<String> r =
        send(
            "POST",
            cluster.restUrl(0) + "/add?no-pin=true",
            HttpRequest.BodyPublishers.ofByteArray(body.bytes()),
            body.contentType());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Cid root = FakeKubo.addedCid(content, Map.of());
    assertThat(cluster.kubo(0).hasBlock(root)).isTrue();
    assertThat(cluster.peer(0).cluster().allocation(root)).isEmpty();
  }

  @Test
  void pinsAndUnpinsByIpfsPathResolvedThroughIpfs() throws Exception {
    Cid parent = Cids.random();
    Cid child = Cids.random();
    for (int i = 0; i < 3; i++) {
      cluster.kubo(i).addLink(parent, "docs", child);
    }
    HttpResponse<String> r = post(cluster.restUrl(2) + "/pins/ipfs/" + parent + "/docs?name=sub");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(Cid.parse(JSON.readTree(r.body()).get("cid").asText())).isEqualTo(child);
    allocation(0, child);
    awaitPinnedEverywhere(child);

    HttpResponse<String> rm =
        send(
            "DELETE",
            cluster.restUrl(0) + "/pins/ipfs/" + parent + "/docs",
            HttpRequest.BodyPublishers.noBody(),
            null);
    assertThat(rm.statusCode()).as(rm.body()).isEqualTo(200);
    awaitGone(0, child);

    HttpResponse<String> missing = post(cluster.restUrl(0) + "/pins/ipfs/" + parent + "/nope");
    assertThat(missing.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(missing.body()).get("message").asText()).isNotBlank();
  }

  @Test
  void pinUpdateKeepsTheOldPinsAllocationsAndOptionsAndTheOldPin() throws Exception {
    Cid from = Cids.random();
    Cid to = Cids.random();
    HttpResponse<String> r =
        post(cluster.restUrl(0) + "/pins/" + from + "?name=v1&replication-min=2&replication-max=2");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Pin old = allocation(0, from);
    assertThat(old.allocations()).hasSize(2);

    HttpResponse<String> u =
        post(cluster.restUrl(1) + "/pins/" + to + "?pin-update=" + from + "&name=v2");
    assertThat(u.statusCode()).as(u.body()).isEqualTo(200);
    Pin updated = allocation(2, to);
    assertThat(updated.allocations()).containsExactlyInAnyOrderElementsOf(old.allocations());
    assertThat(updated.replicationFactorMin()).isEqualTo(2);
    assertThat(updated.name()).isEqualTo("v2");
    assertThat(updated.pinUpdate()).isEqualTo(from);
    allocation(0, from);
    for (var peer : old.allocations()) {
      await().atMost(WAIT).until(() -> cluster.kubo(cluster.indexOf(peer)).isPinned(to));
    }

    HttpResponse<String> unknown =
        post(cluster.restUrl(0) + "/pins/" + Cids.random() + "?pin-update=" + Cids.random());
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void theProxyPinsThroughTheClusterAndForwardsEverythingElse() throws Exception {
    Cid cid = Cids.random();
    HttpResponse<String> add = post(proxyUrl(1) + "/api/v0/pin/add?arg=" + cid);
    assertThat(add.statusCode()).as(add.body()).isEqualTo(200);
    assertThat(JSON.readTree(add.body()).get("Pins").get(0).asText()).isEqualTo(cid.toString());
    allocation(0, cid);
    awaitPinnedEverywhere(cid);

    HttpResponse<String> ls = post(proxyUrl(2) + "/api/v0/pin/ls?arg=" + cid);
    assertThat(ls.statusCode()).as(ls.body()).isEqualTo(200);
    assertThat(JSON.readTree(ls.body()).get("Keys").has(cid.toString())).isTrue();

    HttpResponse<String> id = post(proxyUrl(0) + "/api/v0/id");
    assertThat(id.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(id.body()).get("ID").asText())
        .isEqualTo(cluster.kubo(0).peerId().toString());

    HttpResponse<String> rm = post(proxyUrl(0) + "/api/v0/pin/rm?arg=" + cid);
    assertThat(rm.statusCode()).as(rm.body()).isEqualTo(200);
    awaitGone(1, cid);

    HttpResponse<String> bad = post(proxyUrl(0) + "/api/v0/pin/add?arg=not-a-cid");
    assertThat(bad.statusCode()).isIn(400, 500);
    assertThat(JSON.readTree(bad.body()).get("Type").asText()).isEqualTo("error");
  }
}

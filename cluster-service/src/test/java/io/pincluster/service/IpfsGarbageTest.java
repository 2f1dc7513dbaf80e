package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, bad input from IPFS: one peer's Kubo answers garbage (HTTP 200 with bytes that are not
 * JSON, or JSON cut short), then answers too slowly, then not at all, and finally properly again.
 * Throughout, that peer serves its REST API and commits pins (consensus does not depend on IPFS);
 * its status for each new pin becomes {@code pin_error} with a message naming the IPFS node (never
 * a stuck {@code pinning}); the other peers pin normally; and once its node answers properly a
 * recover brings every pin to {@code pinned} there.
 */
class IpfsGarbageTest {
  static final Duration WAIT = Duration.ofSeconds(45);
  static final ObjectMapper JSON = new ObjectMapper();
  static final int SICK = 2;

  @TempDir Path dir;
  LocalCluster cluster;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aPeerWhoseIpfsAnswersGarbageSlowlyOrNotAtAllKeepsServingAndRecovers() throws Exception {
    cluster =
        LocalCluster.start(
            dir,
            3,
            json -> {
              ObjectNode ipfs = (ObjectNode) json.get("ipfs_connector").get("ipfshttp");
              ipfs.put("ipfs_request_timeout", "1s");
              ipfs.put("pin_timeout", "2s");
              // recovery is asked for explicitly below, so statuses do not move by themselves
              ((ObjectNode) json.get("cluster")).put("pin_recover_interval", "1h");
            });
    await().atMost(WAIT).until(() -> cluster.ready());
    FakeKubo sick = cluster.kubo(SICK);
    String node = "127.0.0.1:" + sick.port();
    List<Cid> pinned = new ArrayList<>();

    sick.setGarbage(true);
    pinned.add(pinThroughTheSickPeerAndExpectAnError(node));

    sick.setGarbage(false);
    sick.setLatency(Duration.ofSeconds(4)); // above pin_timeout and ipfs_request_timeout
    pinned.add(pinThroughTheSickPeerAndExpectAnError(node));

    sick.setLatency(Duration.ZERO);
    sick.setUnavailable(true);
    pinned.add(pinThroughTheSickPeerAndExpectAnError(node));

    sick.setUnavailable(false);
    HttpResponse<String> recover = post(url(SICK, "/pins/recover?local=true"));
    assertThat(recover.statusCode()).as(recover.body()).isIn(200, 204);
    for (Cid c : pinned) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> assertThat(localStatus(c).path("status").asText()).isEqualTo("pinned"));
      assertThat(sick.isPinned(c)).as("%s pinned in the sick peer's node", c).isTrue();
    }
  }

  /**
   * Pins a fresh CID through the sick peer and checks what the class comment promises while its
   * node misbehaves; returns the CID.
   */
  private Cid pinThroughTheSickPeerAndExpectAnError(String node) throws Exception {
    Cid c = Cids.random();
    HttpResponse<String> id = get(url(SICK, "/id"));
    assertThat(id.statusCode()).as(id.body()).isEqualTo(200);
    assertThat(JSON.readTree(id.body()).path("id").asText()).isEqualTo(cluster.id(SICK).toString());

    HttpResponse<String> pin = post(url(SICK, "/pins/" + c));
    assertThat(pin.statusCode()).as("pin through the sick peer: %s", pin.body()).isEqualTo(200);

    HttpResponse<String> list = get(url(SICK, "/allocations"));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains(c.toString());

    for (int healthy = 0; healthy < cluster.size(); healthy++) {
      if (healthy != SICK) {
        FakeKubo k = cluster.kubo(healthy);
        await().atMost(WAIT).until(() -> k.isPinned(c));
      }
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode mine = localStatus(c);
              assertThat(mine.path("status").asText()).as("%s", mine).isEqualTo("pin_error");
              assertThat(mine.path("error").asText()).contains("IPFS").contains(node);
            });
    HttpResponse<String> statuses = get(url(SICK, "/pins?local=true"));
    assertThat(statuses.statusCode()).as(statuses.body()).isEqualTo(200);
    assertThat(statuses.body()).contains(c.toString());
    return c;
  }

  /** The sick peer's own status of {@code c} ({@code GET /pins/<cid>?local=true}). */
  private JsonNode localStatus(Cid c) throws Exception {
    HttpResponse<String> r = get(url(SICK, "/pins/" + c + "?local=true"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("peer_map").path(cluster.id(SICK).toString());
  }

  private String url(int peer, String path) {
    return cluster.restUrl(peer) + path;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

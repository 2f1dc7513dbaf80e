package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.OTHER;
import static io.pincluster.restapi.FakeClusterApi.T;
import static io.pincluster.restapi.FakeClusterApi.cid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.ClusterException;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** POST /pins (bulk ingest), POST /peers and DELETE /peers/{peer}. */
class BulkPinAndPeersTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final MediaType NDJSON = MediaType.get("application/x-ndjson");
  private static final Cid A = cid("a");
  private static final Cid B = cid("b");

  private final FakeClusterApi api = new FakeClusterApi();
  private final OkHttpClient client =
      new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
  private RestApiServer server;
  private String base;

  @BeforeEach
  void start() {
    server = new RestApiServer(new SectionBuilder().build(), api, InstantSource.fixed(T));
    InetSocketAddress a = server.start().get(0);
    base = "http://127.0.0.1:" + a.getPort();
  }

  @AfterEach
  void stop() {
    server.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  private Response post(String path, String body) throws IOException {
    return client
        .newCall(
            new Request.Builder().url(base + path).post(RequestBody.create(body, NDJSON)).build())
        .execute();
  }

  private Response delete(String path) throws IOException {
    return client.newCall(new Request.Builder().url(base + path).delete().build()).execute();
  }

  private static List<JsonNode> ndjson(Response r) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().string().split("\n")) {
      if (!line.isEmpty()) {
        out.add(Json.mapper().readTree(line));
      }
    }
    return out;
  }

  private static JsonNode json(Response r) throws IOException {
    return Json.mapper().readTree(r.body().bytes());
  }

  @Test
  void bulkPinAnswersEveryItemInOrderWithTheQueryAsDefaults() throws IOException {
    String body =
        String.join(
            "\n",
            "{\"cid\":\"" + A + "\",\"name\":\"own\",\"allocations\":[\"" + OTHER + "\"]}",
            "",
            "\"" + B + "\"",
            "{broken",
            "notacid",
            "{\"cid\":\"" + cid("c") + "\",\"mode\":\"direct\",\"replication_factor_min\":1}");
    try (Response r = post("/pins?name=batch&replication=3&meta-src=import", body)) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Trailer")).isEqualTo("X-Stream-Error");
      List<JsonNode> results = ndjson(r);
      assertThat(results).extracting(n -> n.get("line").asInt()).containsExactly(1, 3, 4, 5, 6);
      assertThat(results.get(0).get("cid").asText()).isEqualTo(A.toString());
      assertThat(results.get(0).get("error").asText()).isEmpty();
      assertThat(results.get(2).get("cid").isNull()).isTrue();
      assertThat(results.get(2).get("error").asText()).startsWith("line 4: invalid JSON: ");
      assertThat(results.get(3).get("error").asText()).startsWith("line 5: error decoding Cid");
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    List<PinRequest> items = api.bulkRequests;
    assertThat(items.get(0).options().name()).isEqualTo("own");
    assertThat(items.get(0).options().replicationFactorMin()).isEqualTo(3);
    assertThat(items.get(1).options().name()).isEqualTo("batch");
    assertThat(items.get(1).options().metadata()).isEqualTo(Map.of("src", "import"));
    assertThat(items.get(4).options().mode()).isEqualTo(PinMode.DIRECT);
    assertThat(items.get(4).options().replicationFactorMin()).isEqualTo(1);
    assertThat(items.get(4).options().replicationFactorMax()).isEqualTo(3);
    assertThat(api.pins).containsKeys(A, B, cid("c"));
    await().atMost(WAIT).until(() -> api.closedStreams.contains("pinAll"));
  }

  @Test
  void thousandsOfLinesStreamThroughAClientThatSendsTheWholeBodyFirst() throws IOException {
    int total = 5000;
    StringBuilder body = new StringBuilder();
    for (int i = 1; i <= total; i++) {
      body.append('"').append(cid("item-" + i)).append("\"\n");
    }
    api.refusedCid = cid("item-17");
    try (Response r = post("/pins?line-offset=100", body.toString())) {
      List<JsonNode> results = ndjson(r);
      assertThat(results).hasSize(total);
      for (int i = 0; i < total; i++) {
        assertThat(results.get(i).get("line").asLong()).isEqualTo(101 + i);
      }
      assertThat(results.get(16).get("error").asText()).isEqualTo("refused by the fake");
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    assertThat(api.pins).hasSize(total - 1);
  }

  @Test
  void emptyBodyIs204AndBadQueryIs400() throws IOException {
    try (Response r = post("/pins", "\n\n")) {
      assertThat(r.code()).isEqualTo(204);
    }
    try (Response r = post("/pins?replication-min=x", "\"" + A + "\"\n")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText())
          .isEqualTo("parameter replication-min invalid: \"x\" is not an integer");
    }
    try (Response r = post("/pins?line-offset=-1", "\"" + A + "\"\n")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith("parameter line-offset invalid");
    }
    assertThat(api.pins).isEmpty();
  }

  @Test
  void noLeaderBeforeTheFirstResultIs503AndLaterFailuresGoToTheTrailer() throws IOException {
    api.pinAllFailure = new NoLeaderException("no leader within 15s", null);
    try (Response r = post("/pins", "\"" + A + "\"\n\"" + B + "\"\n")) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(json(r).get("message").asText()).isEqualTo("no leader within 15s");
    }
    api.pinAllFailure = new ClusterException("commit failed");
    api.pinAllFailAfter = 1;
    try (Response r = post("/pins", "\"" + A + "\"\n\"" + B + "\"\n")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(ndjson(r)).hasSize(1);
      assertThat(r.trailers().get("X-Stream-Error")).isEqualTo("commit failed");
    }
  }

  @Test
  void peerAddTakesAFullMultiaddressOrAnIdWithAddresses() throws IOException {
    Multiaddr full = Multiaddr.parse("/ip4/10.0.0.2/tcp/9096/p2p/" + OTHER);
    try (Response r = post("/peers", "{\"peer_id\":\"" + full + "\"}")) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode peer = json(r);
      assertThat(peer.get("id").asText()).isEqualTo(OTHER.toString());
      assertThat(peer.get("peername").asText()).isEqualTo("joined");
    }
    assertThat(api.lastPeerAdd.get()).isEqualTo(full);
    String withAddresses =
        "{\"peer_id\":\""
            + OTHER
            + "\",\"addresses\":[\"/ip4/10.0.0.3/udp/4001/quic\",\"/ip4/10.0.0.3/tcp/9096\"]}";
    try (Response r = post("/peers", withAddresses)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(api.lastPeerAdd.get())
        .isEqualTo(Multiaddr.parse("/ip4/10.0.0.3/tcp/9096/p2p/" + OTHER));
  }

  @Test
  void peerAddNamesWhatIsWrongWith400() throws IOException {
    assertBadRequest(post("/peers", "{\"peer_id\":\"" + OTHER + "\"}"), "cannot add peer ");
    assertBadRequest(post("/peers", "{\"peer_id\":\"nope\"}"), "error decoding peer_id: ");
    assertBadRequest(
        post("/peers", "{\"peer_id\":\"/ip4/10.0.0.2/tcp/9096\"}"),
        "error decoding peer_id: /ip4/10.0.0.2/tcp/9096 does not end with /p2p/<peer ID>");
    assertBadRequest(post("/peers", "{\"peer"), "error decoding request body: ");
    assertBadRequest(post("/peers", "{}"), "error decoding peer_id: \"peer_id\" is missing");
    assertThat(api.lastPeerAdd.get()).isNull();
  }

  @Test
  void peerRemoveIs204AndItsFailuresAreMapped() throws IOException {
    try (Response r = delete("/peers/" + OTHER)) {
      assertThat(r.code()).isEqualTo(204);
    }
    assertThat(api.lastPeerRemove.get()).isEqualTo(OTHER);
    assertBadRequest(delete("/peers/nope"), "error decoding peer_id: ");
    api.peerFailure = new ClusterException("cannot remove the last peer");
    try (Response r = delete("/peers/" + OTHER)) {
      assertThat(r.code()).isEqualTo(500);
      assertThat(json(r).get("message").asText()).isEqualTo("cannot remove the last peer");
    }
    api.peerFailure = new NoLeaderException("no leader within 15s", null);
    try (Response r = delete("/peers/" + OTHER)) {
      assertThat(r.code()).isEqualTo(503);
    }
    api.peerFailure = new PinNotFoundException(A);
    try (Response r = delete("/peers/" + OTHER)) {
      assertThat(r.code()).isEqualTo(404);
    }
  }

  @Test
  void bulkPinNeedsCredentialsWhenTheyAreConfigured() throws IOException {
    SectionBuilder s = new SectionBuilder();
    s.credentials = Map.of("alice", "secret");
    RestApiServer guarded = new RestApiServer(s.build(), api, InstantSource.fixed(T));
    try (guarded) {
      int port = guarded.start().get(0).getPort();
      Request request =
          new Request.Builder()
              .url("http://127.0.0.1:" + port + "/pins")
              .post(RequestBody.create("\"" + A + "\"\n", NDJSON))
              .build();
      try (Response r = client.newCall(request).execute()) {
        assertThat(r.code()).isEqualTo(401);
      }
      Request authorized =
          request
              .newBuilder()
              .header("Authorization", okhttp3.Credentials.basic("alice", "secret"))
              .build();
      try (Response r = client.newCall(authorized).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(ndjson(r)).hasSize(1);
      }
    }
    assertThat(api.pins).containsOnlyKeys(A);
  }

  private static void assertBadRequest(Response r, String messagePrefix) throws IOException {
    try (r) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith(messagePrefix);
    }
  }
}

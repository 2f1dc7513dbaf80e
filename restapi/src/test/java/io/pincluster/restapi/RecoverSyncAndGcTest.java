package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.OTHER;
import static io.pincluster.restapi.FakeClusterApi.SELF;
import static io.pincluster.restapi.FakeClusterApi.T;
import static io.pincluster.restapi.FakeClusterApi.cid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.PeerUnreachableException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /pins/{cid}/recover, /pins/recover, the Raft-era /pins/{cid}/sync and /pins/sync, POST
 * /ipfs/gc, and the status filters of GET /pins.
 */
class RecoverSyncAndGcTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Cid A = cid("a");
  private static final Cid B = cid("b");

  private final FakeClusterApi api = new FakeClusterApi();
  private final OkHttpClient client =
      new OkHttpClient.Builder().followRedirects(false).retryOnConnectionFailure(false).build();
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

  private void pinned(Cid... cids) {
    for (Cid c : cids) {
      api.pins.put(c, Pin.of(c, PinOptions.DEFAULT).withAllocations(List.of(SELF)));
    }
  }

  private Response post(String path) throws IOException {
    return client
        .newCall(
            new Request.Builder().url(base + path).post(RequestBody.create(new byte[0])).build())
        .execute();
  }

  private Response get(String path) throws IOException {
    return client.newCall(new Request.Builder().url(base + path).build()).execute();
  }

  private static JsonNode json(Response r) throws IOException {
    return Json.mapper().readTree(r.body().bytes());
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

  private static List<String> fields(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static void assertError(Response r, int code, String message) throws IOException {
    assertThat(r.code()).isEqualTo(code);
    JsonNode body = json(r);
    assertThat(fields(body)).containsExactly("code", "message");
    assertThat(body.get("code").asInt()).isEqualTo(code);
    assertThat(body.get("message").asText()).isEqualTo(message);
  }

  @Test
  void recoverOfOneCidAnswersItsGlobalStatusOnEveryPeerOrThisOne() throws IOException {
    pinned(A);
    try (Response r = post("/pins/" + A + "/recover")) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode g = json(r);
      assertThat(fields(g))
          .containsExactly(
              "cid", "name", "allocations", "origins", "created", "metadata", "peer_map");
      assertThat(g.get("cid").asText()).isEqualTo(A.toString());
      JsonNode self = g.get("peer_map").get(SELF.toString());
      assertThat(self.get("status").asText()).isEqualTo("pin_queued");
      assertThat(self.get("attempt_count").asInt()).isEqualTo(3);
      assertThat(g.get("peer_map").get(OTHER.toString()).get("status").asText())
          .isEqualTo("pinned");
    }
    try (Response r = post("/pins/" + A + "/recover?local=true")) {
      assertThat(fields(json(r).get("peer_map"))).containsExactly(SELF.toString());
    }
    assertThat(api.acted)
        .containsExactly("recover " + A + " local=false", "recover " + A + " local=true");
  }

  @Test
  void recoverOfEveryPinStreamsTheRequeuedOnesAndIs204WhenThereAreNone() throws IOException {
    try (Response r = post("/pins/recover")) {
      assertThat(r.code()).isEqualTo(204);
    }
    pinned(A, B);
    try (Response r = post("/pins/recover?local=true")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Trailer")).isEqualTo("X-Stream-Error");
      List<JsonNode> items = ndjson(r);
      assertThat(items).extracting(n -> n.get("cid").asText()).containsExactly(sorted(A, B));
      assertThat(items)
          .allSatisfy(n -> assertThat(fields(n.get("peer_map"))).containsExactly(SELF.toString()));
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    assertThat(api.acted).containsExactly("recoverAll local=false", "recoverAll local=true");
    await().atMost(WAIT).until(() -> api.closedStreams.contains("recoverAll"));
  }

  @Test
  void raftEraSyncOfOneCidAndOfEveryPinHaveTheSameShapes() throws IOException {
    pinned(A, B);
    try (Response r = post("/pins/" + B + "/sync")) {
      assertThat(r.code()).isEqualTo(200);
      JsonNode self = json(r).get("peer_map").get(SELF.toString());
      assertThat(self.get("status").asText()).isEqualTo("unexpectedly_unpinned");
      assertThat(self.get("error").asText()).isEqualTo("the item should be pinned but it is not");
    }
    try (Response r = post("/pins/sync?local=true")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(ndjson(r)).extracting(n -> n.get("cid").asText()).containsExactly(sorted(A, B));
    }
    assertThat(api.acted).containsExactly("sync " + B + " local=false", "syncAll local=true");
    await().atMost(WAIT).until(() -> api.closedStreams.contains("syncAll"));
  }

  @Test
  void ipfsGcAnswersAGlobalRepoGcKeyedByPeer() throws IOException {
    try (Response r = post("/ipfs/gc")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      JsonNode gc = json(r);
      assertThat(fields(gc)).containsExactly("peer_map");
      assertThat(fields(gc.get("peer_map")))
          .containsExactlyInAnyOrder(SELF.toString(), OTHER.toString());
      JsonNode self = gc.get("peer_map").get(SELF.toString());
      assertThat(fields(self)).containsExactly("peer", "peername", "keys", "error");
      assertThat(self.get("peer").asText()).isEqualTo(SELF.toString());
      assertThat(self.get("peername").asText()).isEqualTo("self");
      assertThat(self.get("error").asText()).isEmpty();
      assertThat(self.get("keys")).hasSize(2);
      assertThat(fields(self.get("keys").get(0))).containsExactly("key", "error");
      assertThat(self.get("keys").get(0).get("key").asText()).isEqualTo(cid("gc1").toString());
      JsonNode other = gc.get("peer_map").get(OTHER.toString());
      assertThat(other.get("error").asText()).isEqualTo("cannot reach IPFS at 127.0.0.1:5001");
      assertThat(other.get("keys").isArray()).isTrue();
      assertThat(other.get("keys")).isEmpty();
    }
    try (Response r = post("/ipfs/gc?local=true")) {
      assertThat(fields(json(r).get("peer_map"))).containsExactly(SELF.toString());
    }
    assertThat(api.acted).containsExactly("ipfsGc local=false", "ipfsGc local=true");
  }

  @Test
  void globalRepoGcReadsBackFromItsJson() throws IOException {
    try (Response r = post("/ipfs/gc")) {
      io.pincluster.core.api.GlobalRepoGc gc =
          Json.read(r.body().bytes(), io.pincluster.core.api.GlobalRepoGc.class);
      assertThat(gc).isEqualTo(api.ipfsGc(false));
    }
  }

  @Test
  void badCidIs400UnknownCidIs404NoLeaderIs503AndOtherFailuresAre500() throws IOException {
    try (Response r = post("/pins/notacid/recover")) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(json(r).get("message").asText()).startsWith("error decoding Cid: ");
    }
    try (Response r = post("/pins/notacid/sync")) {
      assertThat(r.code()).isEqualTo(400);
    }
    try (Response r = post("/pins/" + A + "/recover")) {
      assertError(r, 404, "pin is not part of the pinset");
    }
    try (Response r = post("/pins/" + A + "/sync")) {
      assertError(r, 404, "pin is not part of the pinset");
    }
    api.actFailure = new NoLeaderException("no leader within 15s", null);
    try (Response r = post("/pins/recover")) {
      assertError(r, 503, "no leader within 15s");
    }
    api.actFailure = new PeerUnreachableException("peer X is unreachable");
    try (Response r = post("/ipfs/gc")) {
      assertError(r, 500, "peer X is unreachable");
    }
    try (Response r = get("/pins/" + A + "/recover")) {
      assertThat(r.code()).isEqualTo(405);
      assertThat(r.header("Allow")).isEqualTo("POST");
    }
    // Bad CIDs never reach the API; the others did, and failed there.
    assertThat(api.acted)
        .containsExactly(
            "recover " + A + " local=false",
            "sync " + A + " local=false",
            "recoverAll local=false",
            "ipfsGc local=false");
  }

  @Test
  void statusFiltersExpandTheGroupsAndReachTheApiWithLocal() throws IOException {
    pinned(A);
    try (Response r = get("/pins?filter=queued&local=true")) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(api.lastFilter.get())
        .isEqualTo(EnumSet.of(TrackerStatus.PIN_QUEUED, TrackerStatus.UNPIN_QUEUED));
    assertThat(api.lastLocal.get()).isTrue();
    try (Response r = get("/pins?filter=error,unexpectedly_unpinned,remote")) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(api.lastFilter.get())
        .isEqualTo(
            EnumSet.of(
                TrackerStatus.CLUSTER_ERROR,
                TrackerStatus.PIN_ERROR,
                TrackerStatus.UNPIN_ERROR,
                TrackerStatus.UNEXPECTEDLY_UNPINNED,
                TrackerStatus.REMOTE));
    assertThat(api.lastLocal.get()).isFalse();
    try (Response r = get("/pins?cids=" + A + "&local=true")) {
      assertThat(ndjson(r))
          .singleElement()
          .satisfies(n -> assertThat(n.get("peer_map").size()).isEqualTo(1));
    }
    assertThat(api.lastLocal.get()).isTrue();
  }

  private static String[] sorted(Cid... cids) {
    return java.util.Arrays.stream(cids).sorted().map(Cid::toString).toArray(String[]::new);
  }
}

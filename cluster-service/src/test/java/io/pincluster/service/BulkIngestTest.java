package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.PinResult;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.testing.Cids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /pins on a follower of a real 3-peer cluster: every line committed, in few Raft entries. */
class BulkIngestTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void anNdjsonBodyOfFiveThousandPinsIsCommittedInBatchesWithOneResultPerLine() throws Exception {
    cluster = LocalCluster.start(dir, 3);
    await().atMost(WAIT).until(() -> cluster.ready());
    int leader = cluster.leader().orElseThrow();
    int follower = (leader + 1) % 3;
    List<Cid> cids = Cids.random(5000);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < cids.size(); i++) {
      body.append(
              i % 2 == 0
                  ? "\"" + cids.get(i) + "\""
                  : "{\"cid\":\"" + cids.get(i) + "\",\"name\":\"n" + i + "\"}")
          .append('\n');
    }
    body.append("not a cid\n");
    long entriesBefore = cluster.peer(follower).consensus().entriesSent();

    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
    Request req =
        new Request.Builder()
            .url(cluster.restUrl(follower) + "/pins?replication=-1")
            .post(
                RequestBody.create(
                    body.toString().getBytes(StandardCharsets.UTF_8),
                    MediaType.get("application/x-ndjson")))
            .build();
    List<String> lines;
    try (Response r = http.newCall(req).execute()) {
      assertThat(r.code()).isEqualTo(200);
      lines = r.body().string().lines().toList();
      assertThat(r.trailers().get("X-Stream-Error")).isNullOrEmpty();
    }
    assertThat(lines).hasSize(5001);
    for (int i = 0; i < 5000; i++) {
      PinResult result = Json.read(lines.get(i).getBytes(StandardCharsets.UTF_8), PinResult.class);
      assertThat(result.line()).isEqualTo(i + 1);
      assertThat(result.cid()).isEqualTo(cids.get(i));
      assertThat(result.error()).isEmpty();
    }
    PinResult bad = Json.read(lines.get(5000).getBytes(StandardCharsets.UTF_8), PinResult.class);
    assertThat(bad.line()).isEqualTo(5001);
    assertThat(bad.error()).contains("line 5001");

    long entries = cluster.peer(follower).consensus().entriesSent() - entriesBefore;
    assertThat(entries).isPositive().isLessThan(500);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cids.stream()
                    .allMatch(c -> cluster.peer(leader).consensus().state().get(c).isPresent()));
    assertThat(cluster.peer(leader).cluster().allocation(cids.get(1)).orElseThrow().name())
        .isEqualTo("n1");
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}

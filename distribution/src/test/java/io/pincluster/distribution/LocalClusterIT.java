package io.pincluster.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: {@code deploy/local/cluster.sh start} (three cluster-service
 * daemons from {@code dist/pincluster} and three real js-ipfs nodes), then the {@code cluster-ctl}
 * launcher against it. Ports are shifted by {@value #OFFSET} so a developer's own local cluster is
 * not disturbed.
 */
class LocalClusterIT {
  static final int OFFSET = 1000;
  static final Path REPO =
      Path.of(System.getProperty("pincluster.repo", "..")).toAbsolutePath().normalize();
  static final Path DIST =
      Path.of(System.getProperty("pincluster.dist", REPO + "/dist/pincluster"));
  static final OkHttpClient HTTP =
      new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

  @TempDir static Path root;
  static List<String[]> peers;

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, Duration timeout, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(root, "out", ".txt");
    Path err = Files.createTempFile(root, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command)
              + " did not finish in "
              + timeout
              + "\n"
              + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static Map<String, String> clusterEnv() {
    return Map.of(
        "PINCLUSTER_LOCAL", root.resolve("local").toString(),
        "PINCLUSTER_LOCAL_PORT_OFFSET", String.valueOf(OFFSET),
        "PINCLUSTER_DIST", DIST.toString());
  }

  static Run cluster(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(REPO.resolve("deploy/local/cluster.sh").toString()));
    cmd.addAll(List.of(args));
    return run(clusterEnv(), Duration.ofMinutes(6), cmd.toArray(String[]::new));
  }

  static Run ctl(String rest, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(DIST.resolve("bin/cluster-ctl").toString(), "--host", rest));
    cmd.addAll(List.of(args));
    return run(Map.of(), Duration.ofMinutes(2), cmd.toArray(String[]::new));
  }

  @BeforeAll
  static void startCluster() throws Exception {
    Run start = cluster("start");
    assertThat(start.exit()).as(start.err()).isZero();
    List<String> lines = start.out().lines().toList();
    assertThat(lines).as("stdout of cluster.sh start: " + start.out()).hasSize(3);
    peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String[] parts = lines.get(i).split(" ");
      assertThat(parts).hasSize(3);
      assertThat(parts[0]).startsWith("12D3KooW");
      assertThat(parts[1]).isEqualTo("http://127.0.0.1:" + (9094 + 100 * i + OFFSET));
      assertThat(parts[2]).isEqualTo("http://127.0.0.1:" + (5001 + 100 * i + OFFSET));
      peers.add(parts);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (peers != null || Files.exists(root.resolve("local"))) {
      Run stop = cluster("stop");
      assertThat(stop.exit()).as(stop.err()).isZero();
      Run status = cluster("status");
      assertThat(status.out()).doesNotContain("running");
    }
  }

  @Test
  void aFileAddedOnOneNodeAndPinnedWithReplicationTwoIsPinnedByExactlyTwoIpfsNodes()
      throws Exception {
    String cid = addToIpfs(peers.get(0)[2], "pincluster end-to-end " + System.nanoTime());

    Run peersLs = ctl(peers.get(1)[1], "peers", "ls");
    assertThat(peersLs.exit()).as(peersLs.err()).isZero();
    for (String[] p : peers) {
      assertThat(peersLs.out()).contains(p[0]);
    }

    // right after a start, a peer allocates only to peers whose ping metric has reached it (as in
    // IPFS Cluster): wait for all three, unexpired, as an operator would check with this command
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Run ping = ctl(peers.get(1)[1], "health", "metrics", "ping");
              assertThat(ping.exit()).as(ping.err()).isZero();
              for (String[] p : peers) {
                assertThat(ping.out().lines())
                    .anyMatch(l -> l.startsWith(p[0]) && !l.contains("expired"));
              }
            });
    Run add =
        ctl(peers.get(1)[1], "pin", "add", cid, "--rmin", "2", "--rmax", "2", "--name", "e2e");
    assertThat(add.exit()).as(add.err()).isZero();

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(nodesPinning(cid)).hasSize(2));
    Run ls = ctl(peers.get(2)[1], "pin", "ls", cid);
    assertThat(ls.exit()).as(ls.err()).isZero();
    assertThat(ls.out()).contains(cid).contains("e2e").contains("Repl. Factor: 2--2");
    Run status = ctl(peers.get(0)[1], "status", cid);
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out().split("PINNED", -1)).hasSize(3);
    assertThat(nodesPinning(cid)).hasSize(2);

    Run rm = ctl(peers.get(0)[1], "pin", "rm", cid);
    assertThat(rm.exit()).as(rm.err()).isZero();
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(() -> assertThat(nodesPinning(cid)).isEmpty());
  }

  /** The IPFS API URLs of the nodes whose own pin/ls reports {@code cid} pinned recursively. */
  static List<String> nodesPinning(String cid) throws IOException {
    List<String> out = new ArrayList<>();
    for (String[] p : peers) {
      Request req =
          new Request.Builder()
              .url(p[2] + "/api/v0/pin/ls?type=recursive&arg=" + cid)
              .post(RequestBody.create(new byte[0]))
              .build();
      try (Response r = HTTP.newCall(req).execute()) {
        String body = r.body().string();
        if (r.code() == 200 && body.contains("recursive")) {
          out.add(p[2]);
        }
      }
    }
    return out;
  }

  static String addToIpfs(String api, String content) throws IOException {
    RequestBody file =
        RequestBody.create(
            content.getBytes(StandardCharsets.UTF_8), MediaType.get("application/octet-stream"));
    MultipartBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart("file", "e2e.txt", file)
            .build();
    Request req = new Request.Builder().url(api + "/api/v0/add?pin=false").post(body).build();
    try (Response r = HTTP.newCall(req).execute()) {
      String text = r.body().string();
      assertThat(r.code()).as(text).isEqualTo(200);
      return text.replaceAll(".*\"Hash\":\"([^\"]+)\".*", "$1").trim();
    }
  }
}

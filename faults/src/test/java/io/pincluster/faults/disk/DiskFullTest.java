package io.pincluster.faults.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.testing.Cids;
import io.pincluster.testing.FakeKubo;
import io.pincluster.testing.process.ChildProcess;
import io.pincluster.testing.process.PeerPorts;
import io.pincluster.testing.process.ProcessClusterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, a full disk: a single-peer cluster (a real daemon from the distribution) whose config
 * and state folder lives on a small tmpfs in a private mount namespace ({@link PrivateTmpfs}; the
 * fake Kubo runs in this JVM). Bulk pins fill it; then:
 *
 * <ul>
 *   <li>failing writes get an error naming the cause ({@code No space left on device}), quickly:
 *       bulk lines carry it, and a single pin gets HTTP 500 with it (never a hang or a crash);
 *   <li>the peer keeps serving reads ({@code /id}, {@code /allocations}, {@code /pins/<cid>}), and
 *       every pin acknowledged before the disk filled is there;
 *   <li>once space is back, writes succeed again: by themselves, or after the restart the error
 *       asked for when the Raft log itself could not be written;
 *   <li>after SIGTERM (exit 0) and a restart on the same tmpfs every acknowledged pin is there;
 *   <li>the state folder's backup ({@code raft.old.0}, placed before the start) is untouched and no
 *       rotation happened.
 * </ul>
 *
 * Skips (never passes) when the machine does not allow unprivileged user and mount namespaces. Logs
 * stay in {@code faults/target/disk-full}.
 */
class DiskFullTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration START = Duration.ofSeconds(120);
  static final int TMPFS_MB = 24;

  /** Far above RocksDB's reserve (its 64 MB write buffer) that must be free before it resumes. */
  static final int GROWN_MB = 1024;

  static final int BATCH = 3000;
  static final String NAME = "disk-full-".repeat(20);
  static final String BACKUP_MARK = "an older state, kept by rotation";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final Path dist = Path.of(System.getProperty("pincluster.dist", "../dist/pincluster"));
  Path work; // target/disk-full/<scenario>
  final int[] ports = PeerPorts.freePorts(4); // raft, rpc, rest, proxy
  int nextCid;

  /** What a scenario does with the running peer; returns the daemon that runs at its end. */
  @FunctionalInterface
  interface Scenario {
    ChildProcess play(PrivateTmpfs fs, Path peer, Map<String, String> env, ChildProcess daemon)
        throws Exception;
  }

  /**
   * Bulk pins fill the disk. The pin store usually fails first (writes are then refused, and resume
   * by themselves once space is back), but the pins already in flight to the Raft log usually make
   * it fail too a moment later; Ratis never retries a failed log write, so the peer then asks to be
   * restarted. Either way: a clear error, reads served, and nothing lost.
   */
  @Test
  void pinsFillingTheDiskAreRefusedClearlyAndNothingAcknowledgedIsLost() throws Exception {
    run(
        "pins",
        TMPFS_MB,
        (fs, peer, env, daemon) -> {
          Set<String> acked = fillUntilFull(fs);
          whileFull(acked);

          fs.resize(GROWN_MB);
          String after = cid();
          boolean restartNeeded = awaitWritableOrRestartAsked(after);
          if (restartNeeded) {
            daemon = restart(daemon, fs, peer, env);
            assertThat(pin(after).statusCode()).isEqualTo(200);
          }
          System.out.printf(
              "DiskFullTest: %d pins acknowledged before the disk filled; writes resumed %s%n",
              acked.size(),
              restartNeeded ? "after a restart (the Raft log had failed)" : "without a restart");
          acked.add(after);
          acked.addAll(bulk(20).acked());

          daemon = restart(daemon, fs, peer, env);
          assertThat(allocations()).as("pins after the restart").containsAll(acked);
          assertThat(pin(cid()).statusCode()).isEqualTo(200);
          return daemon;
        });
  }

  /**
   * Mounts a tmpfs of {@code sizeMb} (or skips), inits a peer on it with a backup folder {@code
   * raft.old.0}, starts it, plays {@code scenario}, then checks that the backup was kept and no
   * rotation happened.
   */
  private void run(String name, int sizeMb, Scenario scenario) throws Exception {
    work = Path.of("target", "disk-full", name).toAbsolutePath();
    assertThat(dist.resolve("bin/cluster-service"))
        .as("build the distribution first (mvn install -DskipTests)")
        .isExecutable();
    deleteTree(work);
    Files.createDirectories(work);
    PrivateTmpfs fs;
    try {
      fs = PrivateTmpfs.mount(work.resolve("mnt"), sizeMb, work);
    } catch (UnsupportedOperationException e) {
      Assumptions.abort(
          "DiskFullTest needs unprivileged user and mount namespaces (unshare -rm) to mount a"
              + " small tmpfs: "
              + e.getMessage());
      return;
    }
    try (fs;
        FakeKubo kubo = new FakeKubo()) {
      Path peer = fs.mountPoint().resolve("peer1");
      Map<String, String> env = env(kubo);
      ChildProcess.run(
          "init",
          fs.command(List.of(bin(), "--config", peer.toString(), "init", "--force")),
          env,
          work.resolve("init.log"),
          120);
      fs.shell(
          "mkdir -p '"
              + peer
              + "/raft.old.0' && printf '"
              + BACKUP_MARK
              + "' > '"
              + peer
              + "/raft.old.0/MARK'");
      ChildProcess daemon = startDaemon(fs, peer, env);
      try {
        daemon = scenario.play(fs, peer, env, daemon);
        assertThat(fs.shell("cat '" + peer + "/raft.old.0/MARK'")).isEqualTo(BACKUP_MARK);
        assertThat(fs.shell("ls '" + peer + "'")).doesNotContain("raft.old.1");
      } finally {
        daemon.close();
      }
    }
  }

  /**
   * Waits until a pin of {@code cid} commits (true: false) or the peer says it needs a restart
   * (true), at most 60 s; any other answer fails.
   */
  private boolean awaitWritableOrRestartAsked(String cid) throws Exception {
    boolean[] restart = new boolean[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              HttpResponse<String> r = pin(cid);
              if (r.statusCode() != 200) {
                String message = JSON.readTree(r.body()).path("message").asText();
                assertThat(message).as("HTTP %s", r.statusCode()).contains("No space left");
                restart[0] = message.contains("restart this peer");
                assertThat(restart[0])
                    .as("writes resumed or a restart is asked: %s", message)
                    .isTrue();
              }
            });
    return restart[0];
  }

  /** SIGTERM (it must exit 0), then a new daemon on the same folder; returns it. */
  private ChildProcess restart(
      ChildProcess daemon, PrivateTmpfs fs, Path peer, Map<String, String> env) {
    daemon.close();
    assertThat(daemon.exitValue()).as("exit status on SIGTERM; log:\n%s", daemon.tail()).isZero();
    return startDaemon(fs, peer, env);
  }

  /** Bulk-pins batches until lines fail; returns the CIDs acknowledged (error ""). */
  private Set<String> fillUntilFull(PrivateTmpfs fs) throws Exception {
    Set<String> acked = new HashSet<>();
    for (int round = 0; round < 20; round++) {
      Bulk b = bulk(BATCH);
      acked.addAll(b.acked());
      if (!b.errors().isEmpty()) {
        assertThat(b.errors().get(0))
            .as("the error of a write that failed on a full disk")
            .contains("No space left on device");
        return acked;
      }
    }
    throw new AssertionError(
        "the disk never filled: " + fs.freeKb() + " kB free after 20 batches of " + BATCH);
  }

  /** Reads work while the disk is full; a new write fails at once with a clear error. */
  private void whileFull(Set<String> acked) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> refused = pin(cid());
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
    assertThat(JSON.readTree(refused.body()).path("message").asText())
        .contains("No space left on device");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));

    assertThat(get("/id").statusCode()).isEqualTo(200);
    assertThat(allocations()).as("acknowledged pins while full").containsAll(acked);
    String one = acked.iterator().next();
    HttpResponse<String> status = get("/pins/" + one);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(JSON.readTree(status.body()).path("cid").asText()).isEqualTo(one);
  }

  record Bulk(List<String> acked, List<String> errors) {}

  /** {@code POST /pins} of {@code n} fresh CIDs (NDJSON); which lines were acknowledged. */
  private Bulk bulk(int n) throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append(cid()).append('\n');
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(rest() + "/pins?name=" + NAME))
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> acked = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode item = JSON.readTree(line);
      String error = item.path("error").asText();
      if (error.isEmpty()) {
        acked.add(item.path("cid").asText());
      } else {
        errors.add(error);
      }
    }
    assertThat(acked.size() + errors.size()).isEqualTo(n);
    return new Bulk(acked, errors);
  }

  /** The CIDs of {@code GET /allocations}. */
  private Set<String> allocations() throws Exception {
    HttpResponse<String> r = get("/allocations");
    assertThat(r.statusCode()).as("GET /allocations").isIn(200, 204);
    Set<String> cids = new HashSet<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        cids.add(JSON.readTree(line).path("cid").asText());
      }
    }
    return cids;
  }

  private String cid() {
    return Cids.rawOf(("disk-full-" + nextCid++).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private HttpResponse<String> pin(String cid) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(rest() + "/pins/" + cid))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(rest() + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String rest() {
    return "http://127.0.0.1:" + ports[2];
  }

  private String bin() {
    return dist.resolve("bin/cluster-service").toAbsolutePath().toString();
  }

  /** Starts the daemon inside the namespace and waits until it answers {@code /id}. */
  private ChildProcess startDaemon(PrivateTmpfs fs, Path peer, Map<String, String> env) {
    ChildProcess d =
        ChildProcess.start(
            "peer1",
            fs.command(List.of(bin(), "--config", peer.toString(), "daemon")),
            env,
            work.resolve("peer1.log"));
    try {
      await()
          .atMost(START)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!d.isAlive()) {
                  throw new IllegalStateException("the daemon exited; log:\n" + d.tail());
                }
                try {
                  return get("/id").statusCode() == 200;
                } catch (IOException e) {
                  return false;
                }
              });
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
    return d;
  }

  /** Ports, secret and fake Kubo of the peer, and timeouts shrunk for a quick test. */
  private Map<String, String> env(FakeKubo kubo) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_PEERNAME", "peer1");
    env.put("CLUSTER_SECRET", HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
    env.put("CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[0]);
    env.put("CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[1]);
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[2]);
    env.put("CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + ports[3]);
    env.put("CLUSTER_IPFSPROXY_NODEMULTIADDRESS", kubo.apiMultiaddr().toString());
    env.put("CLUSTER_IPFSHTTP_NODEMULTIADDRESS", kubo.apiMultiaddr().toString());
    env.put("CLUSTER_RAFT_WAITFORLEADERTIMEOUT", "5s");
    env.put("CLUSTER_RAFT_NETWORKTIMEOUT", "3s");
    env.put("PINCLUSTER_JAVA_OPTS", ProcessClusterConfig.DEFAULT_JAVA_OPTS);
    return env;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

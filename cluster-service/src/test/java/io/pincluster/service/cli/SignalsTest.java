package io.pincluster.service.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import io.pincluster.testing.FakeKubo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code cluster-service daemon} process: SIGHUP leaves it running, SIGTERM stops it cleanly
 * (each step logged, leadership and state closed) with exit status 0. Also the parsing of {@code
 * --loglevel}.
 */
class SignalsTest {
  @TempDir Path dir;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Whether this process ignores SIGHUP (e.g. run under nohup), which its children inherit. */
  static boolean hangupIgnoredHere() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    return Files.readAllLines(status).stream()
        .filter(l -> l.startsWith("SigIgn:"))
        .findFirst()
        .map(l -> (Long.parseUnsignedLong(l.substring(7).trim(), 16) & 1L) != 0) // bit 0: SIGHUP
        .orElse(false);
  }

  Process cli(Map<String, String> env, Path log, String... args) throws IOException {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ClusterServiceCommand.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  @Test
  void sighupIsIgnoredAndSigtermStopsTheDaemonCleanly() throws Exception {
    try (FakeKubo kubo = new FakeKubo()) {
      int rest = freePort();
      Map<String, String> env =
          Map.of(
              "PINCLUSTER_PATH", dir.resolve("peer").toString(),
              "CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + freePort(),
              "CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + freePort(),
              "CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + rest,
              "CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + freePort(),
              "CLUSTER_IPFSPROXY_NODEMULTIADDRESS", kubo.apiMultiaddr().toString(),
              "CLUSTER_IPFSHTTP_NODEMULTIADDRESS", kubo.apiMultiaddr().toString());
      Process init = cli(env, dir.resolve("init.log"), "init");
      assertThat(init.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(init.exitValue()).as(Files.readString(dir.resolve("init.log"))).isZero();

      Path log = dir.resolve("daemon.log");
      Process daemon = cli(env, log, "--log-format", "json", "-l", "info,raft:warn", "daemon");
      try {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/health")).build();
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 204);

        new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor();
        if (hangupIgnoredHere()) {
          // started under nohup: the daemon inherits SIGHUP ignored, the JVM keeps it so and our
          // handler never runs; what matters is that it keeps running
          await()
              .during(Duration.ofSeconds(1))
              .atMost(Duration.ofSeconds(5))
              .until(daemon::isAlive);
        } else {
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> Files.readString(log).contains("SIGHUP"));
        }
        assertThat(daemon.isAlive()).isTrue();
        assertThat(http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode())
            .isEqualTo(204);

        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(daemon.exitValue()).as(out).isZero();
        // --log-format json: every log line is one JSON object
        assertThat(out.lines().filter(l -> l.contains("shutting down")))
            .isNotEmpty()
            .allMatch(l -> l.startsWith("{") && l.contains("\"level\":\"INFO\""))
            .anyMatch(l -> l.contains("\"formattedMessage\":\"SIGTERM: shutting down"));
        assertThat(out)
            .contains("SIGTERM: shutting down")
            .contains("hand over leadership")
            .contains("consensus (Ratis and RocksDB)");
      } finally {
        daemon.destroyForcibly();
      }
    }
  }

  @Test
  void logLevelsTakeFacilitiesAndNameWhatIsWrong() {
    Map<String, Level> levels = LogLevels.parse("info,raft:debug,restapi:warn");
    assertThat(levels)
        .containsEntry("io.pincluster", Level.INFO)
        .containsEntry("org.apache.ratis", Level.DEBUG)
        .containsEntry("io.pincluster.consensus", Level.DEBUG)
        .containsEntry("io.pincluster.restapi", Level.WARN);
    assertThatThrownBy(() -> LogLevels.parse("nosuch:debug"))
        .hasMessageContaining("unknown facility \"nosuch\"");
    assertThatThrownBy(() -> LogLevels.parse("raft:loud")).hasMessageContaining("\"loud\"");
    assertThatThrownBy(() -> LogLevels.applyFormat("xml")).hasMessageContaining("text, json");
  }
}

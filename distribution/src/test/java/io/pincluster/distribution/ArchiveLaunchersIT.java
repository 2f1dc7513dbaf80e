package io.pincluster.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.testing.FakeKubo;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive ({@code dist/pincluster.tar.gz}) unpacked with {@code tar}: its layout,
 * and its launchers running a real daemon on free loopback ports against a fake IPFS daemon, with
 * {@code cluster-ctl} talking to it, {@code wait-ready} seeing it ready and SIGTERM stopping it
 * cleanly.
 */
class ArchiveLaunchersIT {
  static final Path REPO =
      Path.of(System.getProperty("pincluster.repo", "..")).toAbsolutePath().normalize();
  static final Path ARCHIVE =
      Path.of(System.getProperty("pincluster.archive", REPO + "/dist/pincluster.tar.gz"));
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final String FAST_JVM = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  /** A log line written through etc/logback.xml's pattern (logback's default has no date). */
  static final Pattern LOGBACK_LINE =
      Pattern.compile(
          "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[");

  @TempDir static Path tmp;
  static Path home;

  @BeforeAll
  static void unpackTheArchive() throws Exception {
    assertThat(ARCHIVE).as("run mvn package first").isRegularFile();
    Path into = Files.createDirectories(tmp.resolve("unpacked"));
    Processes.Result tar = run(Map.of(), "tar", "-xzf", ARCHIVE.toString(), "-C", into.toString());
    assertThat(tar.exit()).as(tar.describe()).isZero();
    try (Stream<Path> top = Files.list(into)) {
      assertThat(top.map(p -> p.getFileName().toString())).containsExactly("pincluster");
    }
    home = into.resolve("pincluster");
  }

  static Processes.Result run(Map<String, String> env, String... command) throws Exception {
    return Processes.run(tmp.resolve("out"), env, TIMEOUT, List.of(command));
  }

  static String bin(String name) {
    return home.resolve("bin/" + name).toString();
  }

  @Test
  void theArchiveHoldsLaunchersJarsLogbackUnitsInstallScriptAndDocs() throws Exception {
    for (String b : List.of("cluster-service", "cluster-ctl", "wait-ready")) {
      assertThat(home.resolve("bin/" + b)).isRegularFile().isExecutable();
    }
    assertThat(home.resolve("install.sh"))
        .isExecutable()
        .hasSameTextualContentAs(REPO.resolve("deploy/install.sh"));
    for (String f : List.of("cluster-service.service", "ipfs.service", "pincluster.env")) {
      assertThat(home.resolve("systemd/" + f))
          .hasSameTextualContentAs(REPO.resolve("deploy/systemd/" + f));
    }
    for (String d : List.of("deployment.md", "configuration.md", "operations.md")) {
      assertThat(home.resolve("docs/" + d)).hasSameTextualContentAs(REPO.resolve("docs/" + d));
    }
    assertThat(home.resolve("etc/logback.xml")).isRegularFile();
    assertThat(home.resolve("etc/logback-ctl.xml")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("LICENSE")).isRegularFile();
    try (Stream<Path> jars = Files.list(home.resolve("lib")).filter(Files::isRegularFile)) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.endsWith(".jar"))
          .anyMatch(n -> n.startsWith("cluster-service-"))
          .anyMatch(n -> n.startsWith("cluster-ctl-"))
          .anyMatch(n -> n.startsWith("logback-classic-"))
          .noneMatch(n -> n.startsWith("slf4j-nop-"));
    }
  }

  @Test
  void theLaunchersInitAndRunADaemonThatClusterCtlTalksToAndSigtermStops() throws Exception {
    try (FakeKubo ipfs = new FakeKubo()) {
      Peer peer = Peer.on(ipfs);
      Map<String, String> env = peer.env();
      Path config = tmp.resolve("peer");
      Processes.Result init =
          run(env, bin("cluster-service"), "--config", config.toString(), "init");
      assertThat(init.exit()).as(init.describe()).isZero();
      String peerId = peerId(config);

      Path log = tmp.resolve("daemon.log");
      ProcessBuilder pb =
          new ProcessBuilder(
              bin("cluster-service"), "--config", config.toString(), "daemon", "--upgrade");
      pb.environment().putAll(env);
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      Process daemon = pb.start();
      try {
        // the unit's readiness check, finding the REST API in service.json through PINCLUSTER_PATH
        Map<String, String> probeEnv = new HashMap<>();
        probeEnv.put("PINCLUSTER_PATH", config.toString());
        probeEnv.put("PINCLUSTER_READY_TIMEOUT", "60");
        probeEnv.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", null);
        probeEnv.put("PINCLUSTER_HEALTH_URL", null);
        Processes.Result ready =
            Processes.run(
                tmp.resolve("out"), probeEnv, Duration.ofSeconds(90), List.of(bin("wait-ready")));
        assertThat(ready.exit())
            .as(ready.describe() + "\n--- daemon\n" + Files.readString(log))
            .isZero();

        Processes.Result id =
            run(
                Map.of("PINCLUSTER_CTL_JAVA_OPTS", FAST_JVM),
                bin("cluster-ctl"),
                "--host",
                peer.restUrl(),
                "id");
        assertThat(id.exit()).as(id.describe()).isZero();
        assertThat(id.out())
            .startsWith(peerId)
            .contains("/tcp/" + peer.raftPort() + "/p2p/" + peerId)
            .contains(ipfs.peerId().toString())
            .doesNotContain("ERROR");
      } finally {
        daemon.destroy(); // SIGTERM
        if (!daemon.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
          throw new AssertionError(
              "daemon ignored SIGTERM for " + TIMEOUT + ":\n" + Files.readString(log));
        }
      }
      String out = Files.readString(log);
      // 143 = 128 + SIGTERM when the JVM's own exit status wins the race with main's exit(0)
      assertThat(daemon.exitValue()).as(out).isIn(0, 143);
      assertThat(out).contains("shutting down").containsPattern(LOGBACK_LINE);
      assertThat(out).doesNotContain("Exception in thread");
    }
  }

  @Test
  void rocksDbLoadsItsLibraryFromLibNativeWithoutTheTemporaryFolder() throws Exception {
    for (String so : List.of("librocksdbjni-linux64.so", "librocksdbjni-linux-aarch64.so")) {
      assertThat(home.resolve("lib/native/" + so)).isRegularFile();
    }
    Path config = tmp.resolve("offline-peer");
    Processes.Result init =
        run(
            Map.of("PINCLUSTER_JAVA_OPTS", FAST_JVM),
            bin("cluster-service"),
            "--config",
            config.toString(),
            "init");
    assertThat(init.exit()).as(init.describe()).isZero();
    Path pins = tmp.resolve("one-pin.ndjson");
    Files.writeString(
        pins, "{\"cid\":\"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy\"}\n");
    // a temporary folder that is a file: copying the library out of the jar there would fail
    Path notADirectory = Files.writeString(tmp.resolve("not-a-directory"), "");
    Processes.Result imported =
        run(
            Map.of("PINCLUSTER_JAVA_OPTS", FAST_JVM + " -Djava.io.tmpdir=" + notADirectory),
            bin("cluster-service"),
            "--config",
            config.toString(),
            "state",
            "import",
            "--force",
            pins.toString());
    assertThat(imported.exit()).as(imported.describe()).isZero();
    assertThat(imported.out()).startsWith("imported 1 pins into ");
  }

  @Test
  void javaOptionsComeFromTheEnvironmentAndCanReplaceTheLogbackConfiguration() throws Exception {
    Processes.Result defaults =
        run(
            Map.of("PINCLUSTER_JAVA_OPTS", "-XshowSettings:properties"),
            bin("cluster-service"),
            "version");
    assertThat(defaults.exit()).as(defaults.describe()).isZero();
    assertThat(defaults.err())
        .contains("logback.configurationFile = " + home.resolve("etc/logback.xml"));

    Path custom = tmp.resolve("custom-logback.xml");
    Processes.Result replaced =
        run(
            Map.of(
                "PINCLUSTER_JAVA_OPTS",
                "-XshowSettings:properties -Dlogback.configurationFile=" + custom),
            bin("cluster-service"),
            "version");
    assertThat(replaced.exit()).as(replaced.describe()).isZero();
    assertThat(replaced.err()).contains("logback.configurationFile = " + custom);

    Processes.Result ctl =
        run(
            Map.of("PINCLUSTER_CTL_JAVA_OPTS", "-XshowSettings:properties"),
            bin("cluster-ctl"),
            "--version");
    assertThat(ctl.err())
        .contains("logback.configurationFile = " + home.resolve("etc/logback-ctl.xml"));

    Processes.Result noJava =
        run(
            Map.of("JAVA_HOME", tmp.resolve("no-jdk").toString()),
            bin("cluster-service"),
            "version");
    assertThat(noJava.exit()).isEqualTo(127);
    assertThat(noJava.err())
        .contains("no Java runtime")
        .contains(tmp.resolve("no-jdk/bin/java").toString());
  }

  @Test
  void waitReadyGivesUpAfterItsTimeLimitNamingTheUrlAndRefusesBadInput() throws Exception {
    int closed = freePorts(1).get(0);
    Map<String, String> env = new HashMap<>();
    env.put("PINCLUSTER_READY_TIMEOUT", "1");
    env.put("PINCLUSTER_HEALTH_URL", null);
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/0.0.0.0/tcp/" + closed);
    Processes.Result late = run(env, bin("wait-ready"));
    assertThat(late.exit()).as(late.describe()).isEqualTo(1);
    assertThat(late.err())
        .contains("no answer from http://127.0.0.1:" + closed + "/health within 1 s");

    env.put("PINCLUSTER_READY_TIMEOUT", "soon");
    Processes.Result badTimeout = run(env, bin("wait-ready"));
    assertThat(badTimeout.exit()).isEqualTo(2);
    assertThat(badTimeout.err()).contains("PINCLUSTER_READY_TIMEOUT (soon) must be a whole number");

    env.put("PINCLUSTER_READY_TIMEOUT", "1");
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/unix/tmp/api.sock");
    Processes.Result badAddress = run(env, bin("wait-ready"));
    assertThat(badAddress.exit()).isEqualTo(2);
    assertThat(badAddress.err())
        .contains("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS (/unix/tmp/api.sock)");
  }

  /** A peer's environment: the CLUSTER_* overrides deploy/local/cluster.sh uses, free ports. */
  record Peer(Map<String, String> env, String restUrl, int raftPort) {
    static Peer on(FakeKubo ipfs) throws IOException {
      List<Integer> p = freePorts(4);
      String ipfsApi = "/ip4/127.0.0.1/tcp/" + ipfs.port();
      Map<String, String> env = new HashMap<>();
      env.put("CLUSTER_PEERNAME", "archive-it");
      env.put("CLUSTER_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.get(0));
      env.put("CLUSTER_RPCLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.get(1));
      env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.get(2));
      env.put("CLUSTER_IPFSPROXY_LISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/" + p.get(3));
      env.put("CLUSTER_IPFSPROXY_NODEMULTIADDRESS", ipfsApi);
      env.put("CLUSTER_IPFSHTTP_NODEMULTIADDRESS", ipfsApi);
      env.put("PINCLUSTER_JAVA_OPTS", FAST_JVM);
      return new Peer(Map.copyOf(env), "http://127.0.0.1:" + p.get(2), p.get(0));
    }
  }

  /** {@code n} distinct ports that were free a moment ago (held together while chosen). */
  static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  static String peerId(Path config) throws IOException {
    Matcher m =
        Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"")
            .matcher(Files.readString(config.resolve("identity.json")));
    assertThat(m.find()).as("identity.json has an id").isTrue();
    return m.group(1);
  }
}

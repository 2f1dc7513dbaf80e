package io.pincluster.service.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.BuildInfo;
import io.pincluster.core.peer.Identity;
import io.pincluster.service.LockFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** cluster-service run as a black box: arguments in, exit code and output out. */
class ClusterServiceCommandTest {
  @TempDir Path dir;
  final Map<String, String> env = new HashMap<>();

  record Result(int code, String out, String err) {}

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ClusterServiceCommand.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  JsonNode serviceJson() throws Exception {
    return new ObjectMapper().readTree(dir.resolve("service.json").toFile());
  }

  @Test
  void versionPrintsTheBuildVersion() {
    Result r = run("version");
    assertThat(r.code()).isZero();
    assertThat(r.out().trim()).isEqualTo(BuildInfo.VERSION);
  }

  @Test
  void initWritesPrivateConfigAndIdentityAndRefusesToOverwrite() throws Exception {
    Result r = run("--config", dir.toString(), "init");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("configuration written to").contains("peer ID: 12D3KooW");
    for (String f : new String[] {"service.json", "identity.json"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
          .isEqualTo("rw-------");
    }
    assertThat(dir.resolve("peerstore")).exists();
    assertThat(serviceJson().get("cluster").get("secret").asText()).hasSize(64);
    String identity = Files.readString(dir.resolve("identity.json"));

    Result again = run("--config", dir.toString(), "init");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("already exists").contains("--force");

    Result forced = run("--config", dir.toString(), "init", "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(Files.readString(dir.resolve("identity.json"))).isEqualTo(identity);
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  static void chmod(Path p, String mode) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  @Test
  void initMakesAnOwnerOnlyFolderAndEveryRewriteKeepsTheFilesPrivate() throws Exception {
    Path cfg = dir.resolve("new-folder");
    Result r = run("--config", cfg.toString(), "init");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(mode(cfg)).isEqualTo("rwx------");
    for (String f : new String[] {"service.json", "identity.json", "peerstore"}) {
      assertThat(mode(cfg.resolve(f))).as(f).isEqualTo("rw-------");
    }
    assertThat(r.err()).as("nothing to warn about").doesNotContain("warning");

    chmod(cfg.resolve("service.json"), "rw-r--r--");
    chmod(cfg.resolve("peerstore"), "rw-rw-rw-");
    chmod(cfg.resolve("identity.json"), "rw-r--r--");
    Result forced = run("--config", cfg.toString(), "init", "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(mode(cfg.resolve("service.json"))).isEqualTo("rw-------");
    assertThat(mode(cfg.resolve("peerstore"))).isEqualTo("rw-------");
    assertThat(forced.err())
        .as("the kept identity.json is not rewritten but reported")
        .contains(
            "warning: " + cfg.resolve("identity.json") + " is accessible by group or others",
            "chmod 600");
  }

  @Test
  void initNeverPrintsTheSecretOrThePrivateKey() throws Exception {
    String secret = "c0ffee".repeat(10) + "abcd";
    env.put("CLUSTER_SECRET", secret);
    Result r = run("--config", dir.toString(), "init");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(serviceJson().get("cluster").get("secret").asText()).isEqualTo(secret);
    String key =
        new ObjectMapper()
            .readTree(dir.resolve("identity.json").toFile())
            .get("private_key")
            .asText();
    assertThat(r.out() + r.err()).doesNotContain(secret).doesNotContain(key);
  }

  @Test
  void daemonWarnsAboutASecretFileOthersCanReadNamingIt() throws Exception {
    assertThat(run("--config", dir.toString(), "init").code()).isZero();
    chmod(dir.resolve("service.json"), "rw-r--r--");
    Files.delete(dir.resolve("identity.json")); // so the daemon stops right after its checks
    ch.qos.logback.classic.Logger log =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DaemonCommand.class);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    log.addAppender(captured);
    Result r;
    try {
      r = run("--config", dir.toString(), "daemon");
    } finally {
      log.detachAppender(captured);
    }
    assertThat(r.err()).contains("run `cluster-service init` first");
    assertThat(captured.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            dir.resolve("service.json")
                + " is accessible by group or others (mode rw-r--r--) but holds the cluster"
                + " secret and the REST API credentials: run chmod 600 "
                + dir.resolve("service.json"));
    assertThat(captured.list.get(0).getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void unreadableSecretFilesAreReportedWithoutTheirContent() throws Exception {
    // random ports: should a broken file ever be accepted, no fixed port is taken
    assertThat(run("--config", dir.toString(), "init", "--randomports").code()).isZero();
    String service = Files.readString(dir.resolve("service.json"));
    String secret = serviceJson().get("cluster").get("secret").asText();
    String cutService = service.substring(0, service.indexOf(secret) + 70);
    assertThatThrownBy(() -> new ObjectMapper().readTree(cutService)).as("invalid JSON");
    Files.writeString(dir.resolve("service.json"), cutService);
    Result badConfig = run("--config", dir.toString(), "daemon");
    assertThat(badConfig.code()).isEqualTo(1);
    assertThat(badConfig.err()).contains("service.json is not valid JSON").doesNotContain(secret);

    Files.writeString(dir.resolve("service.json"), service);
    String identity = Files.readString(dir.resolve("identity.json"));
    String key = new ObjectMapper().readTree(identity).get("private_key").asText();
    String cutIdentity = identity.substring(0, identity.indexOf(key) + key.length());
    assertThatThrownBy(() -> new ObjectMapper().readTree(cutIdentity)).as("invalid JSON");
    Files.writeString(dir.resolve("identity.json"), cutIdentity);
    Result badIdentity = run("--config", dir.toString(), "daemon");
    assertThat(badIdentity.code()).isEqualTo(1);
    assertThat(badIdentity.err()).contains("identity.json is not valid JSON").doesNotContain(key);

    String badKey = key.substring(0, 20) + "!" + key.substring(21);
    Files.writeString(dir.resolve("identity.json"), identity.replace(key, badKey));
    Result badKeyRun = run("--config", dir.toString(), "daemon");
    assertThat(badKeyRun.code()).isEqualTo(1);
    assertThat(badKeyRun.err()).contains("identity.json").doesNotContain(key.substring(21));
  }

  @Test
  void initTakesPeersAndBakesEnvironmentOverridesIn() throws Exception {
    String a = Identity.generate().id().toString();
    String b = Identity.generate().id().toString();
    env.put("CLUSTER_SECRET", "ab".repeat(32));
    env.put("CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/127.0.0.1/tcp/19094");
    env.put("PINCLUSTER_PATH", dir.toString());
    Result r =
        run(
            "init",
            "--peers",
            "/ip4/10.0.0.2/tcp/9096/p2p/" + a + ",/ip4/10.0.0.3/tcp/9096/p2p/" + b);
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = serviceJson();
    assertThat(json.get("cluster").get("secret").asText()).isEqualTo("ab".repeat(32));
    assertThat(json.get("consensus").get("raft").get("init_peerset").toString())
        .isEqualTo("[\"" + a + "\",\"" + b + "\"]");
    assertThat(json.get("api").get("restapi").get("http_listen_multiaddress").asText())
        .isEqualTo("/ip4/127.0.0.1/tcp/19094");
    assertThat(Files.readAllLines(dir.resolve("peerstore")))
        .containsExactly("/ip4/10.0.0.2/tcp/9096/p2p/" + a, "/ip4/10.0.0.3/tcp/9096/p2p/" + b);
  }

  @Test
  void initRefusesBadInputWithAClearMessage() {
    Result noPeerId = run("--config", dir.toString(), "init", "--peers", "/ip4/10.0.0.2/tcp/9096");
    assertThat(noPeerId.code()).isEqualTo(1);
    assertThat(noPeerId.err()).contains("has no /p2p/");
    env.put("CLUSTER_SECRET", "nothex");
    Result badSecret = run("--config", dir.toString(), "init");
    assertThat(badSecret.code()).isEqualTo(1);
    assertThat(badSecret.err()).contains("cluster.secret");
  }

  @Test
  void randomPortsGivesEveryListenerItsOwnPort() throws Exception {
    Result r = run("--config", dir.toString(), "init", "--randomports");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = serviceJson();
    assertThat(json.get("cluster").get("listen_multiaddress").asText()).doesNotEndWith("/9096");
    assertThat(json.get("api").get("restapi").get("http_listen_multiaddress").asText())
        .doesNotEndWith("/9094");
  }

  @Test
  void daemonReportsABadConfigValueByKeyAndDoesNotStart() throws Exception {
    assertThat(run("--config", dir.toString(), "init").code()).isZero();
    env.put("CLUSTER_RAFT_ELECTIONTIMEOUT", "abc");
    Result r = run("--config", dir.toString(), "daemon");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            "consensus.raft.election_timeout: \"abc\" is not a duration (from CLUSTER_RAFT_ELECTIONTIMEOUT)");
  }

  @Test
  void daemonWithoutConfigurationSaysToRunInit() {
    Result r = run("--config", dir.resolve("nothing").toString(), "daemon");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("run `cluster-service init` first");
  }

  @Test
  void aSecondDaemonOnTheSameFolderIsRefusedByTheLock() {
    try (LockFile held = LockFile.acquire(dir.resolve("cluster.lock"))) {
      assertThat(held).isNotNull();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> LockFile.acquire(dir.resolve("cluster.lock")))
          .hasMessageContaining("another cluster-service is using");
    }
    LockFile.acquire(dir.resolve("cluster.lock")).close();
  }
}

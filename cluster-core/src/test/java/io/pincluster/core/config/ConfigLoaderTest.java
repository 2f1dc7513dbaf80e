package io.pincluster.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.peer.Multiaddr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final String SECRET = "ab".repeat(32);
  final List<String> warnings = new ArrayList<>();

  ServiceConfig load(String json, Map<String, String> env) throws Exception {
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(json);
    return ConfigLoader.fromJson(root, env, "host-1", warnings::add);
  }

  @Test
  void aMinimalFileGetsEveryDefault() throws Exception {
    ServiceConfig c = load("{\"cluster\":{\"secret\":\"" + SECRET + "\"}}", Map.of());
    assertThat(c).isEqualTo(ServiceConfig.defaults("host-1", SECRET));
    assertThat(c.cluster().peername()).isEqualTo("host-1");
    assertThat(c.raft().waitForLeaderTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.raft().electionTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.ipfsHttp().pinMethod()).isEqualTo(PinMethod.REFS);
    assertThat(c.mapTracker().maxPinQueueSize()).isEqualTo(1_000_000);
    assertThat(c.restApi().corsExposedHeaders())
        .containsExactly("Content-Type", "X-Stream-Output", "X-Chunked-Output", "X-Content-Length");
    assertThat(c.restApi().basicAuthCredentials()).isNull();
    assertThat(warnings).isEmpty();
  }

  @Test
  void writtenConfigHasExactlyTheDocumentedSectionsAndKeysAndReadsBackTheSame() throws Exception {
    ServiceConfig defaults = ServiceConfig.defaults("p", SECRET);
    ObjectNode json = ConfigLoader.toJson(defaults);
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "cluster",
            "consensus",
            "api",
            "ipfs_connector",
            "pin_tracker",
            "monitor",
            "allocator",
            "informer",
            "observations");
    assertThat(json.get("consensus").fieldNames()).toIterable().containsExactly("raft");
    assertThat(json.get("api").fieldNames()).toIterable().containsExactly("ipfsproxy", "restapi");
    assertThat(json.get("informer").fieldNames()).toIterable().containsExactly("disk", "tags");
    assertThat(json.get("consensus").get("raft").fieldNames())
        .toIterable()
        .containsExactly(
            "init_peerset",
            "data_folder",
            "wait_for_leader_timeout",
            "network_timeout",
            "commit_retries",
            "commit_retry_delay",
            "backups_rotate",
            "heartbeat_timeout",
            "election_timeout",
            "commit_timeout",
            "max_append_entries",
            "trailing_logs",
            "snapshot_interval",
            "snapshot_threshold",
            "leader_lease_timeout");
    assertThat(json.get("cluster").get("ipfs_sync_interval").asText()).isEqualTo("2m10s");
    assertThat(json.get("api").get("restapi").get("http_listen_multiaddress").asText())
        .isEqualTo("/ip4/127.0.0.1/tcp/9094");
    assertThat(json.get("api").get("restapi").get("basic_auth_credentials").isNull()).isTrue();
    assertThat(json.get("ipfs_connector").get("ipfshttp").get("unpin_timeout").asText())
        .isEqualTo("3h0m0s");
    assertThat(load(json.toString(), Map.of())).isEqualTo(defaults);
  }

  @Test
  void badValuesNameSectionKeyAndValue() {
    assertThatThrownBy(() -> load(withRaft("\"election_timeout\":\"abc\""), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("consensus.raft.election_timeout: \"abc\" is not a duration");
    assertThatThrownBy(() -> load(withRaft("\"election_timeout\":\"0s\""), Map.of()))
        .hasMessage("consensus.raft.election_timeout (0s) must be > 0");
    assertThatThrownBy(() -> load(withRaft("\"heartbeat_timeout\":\"2s\""), Map.of()))
        .hasMessage("consensus.raft.heartbeat_timeout (2s) must be <= election_timeout (1s)");
    assertThatThrownBy(() -> load(withRaft("\"commit_retries\":\"x\""), Map.of()))
        .hasMessage("consensus.raft.commit_retries: \"x\" is not an integer");
    assertThatThrownBy(() -> load(withRaft("\"init_peerset\":[\"nope\"]"), Map.of()))
        .hasMessageStartingWith("consensus.raft.init_peerset: invalid peer ID \"nope\"");
    assertThatThrownBy(
            () ->
                load(
                    "{\"cluster\":{\"secret\":\""
                        + SECRET
                        + "\",\"replication_factor_min\":3,\"replication_factor_max\":2}}",
                    Map.of()))
        .hasMessage("cluster.replication_factor_min (3) must be <= replication_factor_max (2)");
    assertThatThrownBy(() -> load("{\"cluster\":{\"secret\":\"abc\"}}", Map.of()))
        .hasMessageStartingWith("cluster.secret");
    assertThatThrownBy(() -> load("{\"cluster\":{}}", Map.of()))
        .hasMessageContaining("cluster.secret must be set");
    assertThatThrownBy(
            () ->
                load(
                    "{\"cluster\":{\"secret\":\""
                        + SECRET
                        + "\"},\"ipfs_connector\":{\"ipfshttp\":{\"pin_method\":\"fast\"}}}",
                    Map.of()))
        .hasMessage("ipfs_connector.ipfshttp.pin_method: \"fast\" is not refs or pin");
    assertThatThrownBy(
            () ->
                load(
                    "{\"cluster\":{\"secret\":\""
                        + SECRET
                        + "\"},\"api\":{\"restapi\":{\"basic_auth_credentials\":{}}}}",
                    Map.of()))
        .hasMessageStartingWith("api.restapi.basic_auth_credentials is an empty map");
  }

  @Test
  void unknownKeysAreWarnedAboutByName() throws Exception {
    load(
        "{\"cluster\":{\"secret\":\""
            + SECRET
            + "\",\"colour\":\"blue\"},\"datastore\":{},"
            + "\"consensus\":{\"crdt\":{}}}",
        Map.of());
    assertThat(warnings)
        .containsExactlyInAnyOrder(
            "unknown key cluster.colour in service.json (ignored)",
            "unknown section datastore in service.json (ignored)",
            "unknown section consensus.crdt in service.json (ignored)");
  }

  @Test
  void environmentOverridesFollowIpfsClusterNaming() throws Exception {
    ServiceConfig c =
        load(
            "{\"cluster\":{\"secret\":\"" + SECRET + "\"}}",
            Map.of(
                "CLUSTER_SECRET", "cd".repeat(32),
                "CLUSTER_PEERNAME", "from-env",
                "CLUSTER_MAPTRACKER_CONCURRENTPINS", "3",
                "CLUSTER_RESTAPI_HTTPLISTENMULTIADDRESS", "/ip4/0.0.0.0/tcp/1234",
                "CLUSTER_IPFSHTTP_NODEMULTIADDRESS", "/ip4/10.0.0.1/tcp/5001",
                "CLUSTER_LEAVEONSHUTDOWN", "true",
                "CLUSTER_RAFT_INITPEERSET", "",
                "CLUSTER_RESTAPI_BASICAUTHCREDENTIALS", "{\"u\":\"p\"}"));
    assertThat(c.cluster().secret()).isEqualTo("cd".repeat(32));
    assertThat(c.cluster().peername()).isEqualTo("from-env");
    assertThat(c.cluster().leaveOnShutdown()).isTrue();
    assertThat(c.mapTracker().concurrentPins()).isEqualTo(3);
    assertThat(c.restApi().httpListenMultiaddress())
        .containsExactly(Multiaddr.parse("/ip4/0.0.0.0/tcp/1234"));
    assertThat(c.ipfsHttp().nodeMultiaddress())
        .isEqualTo(Multiaddr.parse("/ip4/10.0.0.1/tcp/5001"));
    assertThat(c.restApi().basicAuthCredentials()).containsEntry("u", "p");
  }

  @Test
  void badEnvironmentValuesNameTheVariable() {
    assertThatThrownBy(
            () ->
                load(
                    "{\"cluster\":{\"secret\":\"" + SECRET + "\"}}",
                    Map.of("CLUSTER_MAPTRACKER_CONCURRENTPINS", "many")))
        .hasMessage(
            "pin_tracker.maptracker.concurrent_pins: \"many\" is not an integer"
                + " (from CLUSTER_MAPTRACKER_CONCURRENTPINS)");
  }

  @Test
  void secretMayComeFromTheEnvironmentAlone() throws Exception {
    ServiceConfig c = load("{}", Map.of("CLUSTER_SECRET", SECRET));
    assertThat(c.cluster().secret()).isEqualTo(SECRET);
  }

  @Test
  void loadingAMissingOrBrokenFileSaysSo(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("service.json"), Map.of(), "h", w -> {}))
        .hasMessageContaining("run `cluster-service init` first");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"cluster\":");
    assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of(), "h", w -> {}))
        .hasMessageContaining("is not valid JSON");
  }

  static String withRaft(String raftFields) {
    return "{\"cluster\":{\"secret\":\""
        + SECRET
        + "\"},\"consensus\":{\"raft\":{"
        + raftFields
        + "}}}";
  }
}

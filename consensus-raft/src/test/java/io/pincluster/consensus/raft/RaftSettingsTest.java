package io.pincluster.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.consensus.raft.internal.RaftProps;
import io.pincluster.core.config.RaftSection;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {
  static final PeerId SELF = Identity.generate().id();
  static final InetSocketAddress BIND = new InetSocketAddress("0.0.0.0", 9096);

  static RaftSettings settings(String announce, Map<PeerId, String> peers) {
    return new RaftSettings(
        SELF,
        BIND,
        announce,
        Path.of("/data/raft"),
        RaftSection.defaults(),
        TestTls.CLUSTER,
        peers);
  }

  @Test
  void badAddressesAreRejectedWithTheValueInTheMessage() {
    assertThatThrownBy(() -> settings("localhost", Map.of()))
        .hasMessage(
            "raft announce address (\"localhost\") must be host:port with a port in 1..65535");
    assertThatThrownBy(() -> settings("h:0", Map.of())).hasMessageContaining("\"h:0\"");
    assertThatThrownBy(() -> settings("h:1", Map.of(SELF, "x:y")))
        .hasMessageContaining("raft address of peer " + SELF);
    assertThatThrownBy(
            () ->
                new RaftSettings(
                    SELF,
                    new InetSocketAddress("127.0.0.1", 0),
                    "h:1",
                    Path.of("d"),
                    RaftSection.defaults(),
                    TestTls.CLUSTER,
                    Map.of()))
        .hasMessageContaining("must have a fixed port");
  }

  @Test
  void aHeartbeatTimeoutAboveTheElectionTimeoutIsRejectedByTheConfig() {
    RaftSection d = RaftSection.defaults();
    assertThatThrownBy(
            () ->
                new RaftSection(
                    d.initPeerset(),
                    d.dataFolder(),
                    d.waitForLeaderTimeout(),
                    d.networkTimeout(),
                    d.commitRetries(),
                    d.commitRetryDelay(),
                    d.backupsRotate(),
                    java.time.Duration.ofSeconds(2),
                    d.electionTimeout(),
                    d.commitTimeout(),
                    d.maxAppendEntries(),
                    d.trailingLogs(),
                    d.snapshotInterval(),
                    d.snapshotThreshold(),
                    d.leaderLeaseTimeout()))
        .hasMessage("heartbeat_timeout (2s) must be <= election_timeout (1s)");
  }

  static RaftSection withCommitRetryDelay(java.time.Duration delay) {
    RaftSection d = RaftSection.defaults();
    return new RaftSection(
        d.initPeerset(),
        d.dataFolder(),
        d.waitForLeaderTimeout(),
        d.networkTimeout(),
        d.commitRetries(),
        delay,
        d.backupsRotate(),
        d.heartbeatTimeout(),
        d.electionTimeout(),
        d.commitTimeout(),
        d.maxAppendEntries(),
        d.trailingLogs(),
        d.snapshotInterval(),
        d.snapshotThreshold(),
        d.leaderLeaseTimeout());
  }

  @Test
  void refusedWritesArePolledAtMost50MsApartWhateverTheCommitRetryDelay() {
    // the default commit_retry_delay (200ms) only spaces re-sends of possibly-accepted writes
    assertThat(RaftProps.leaderPoll(RaftSection.defaults())).hasMillis(50);
    assertThat(RaftProps.leaderPoll(withCommitRetryDelay(java.time.Duration.ofSeconds(5))))
        .hasMillis(50);
    assertThat(RaftProps.leaderPoll(withCommitRetryDelay(java.time.Duration.ofMillis(20))))
        .hasMillis(20);
    assertThat(RaftProps.leaderPoll(withCommitRetryDelay(java.time.Duration.ZERO))).hasMillis(10);
  }

  @Test
  void foldersAreUnderTheDataFolder() {
    RaftSettings s = settings("10.0.0.1:9096", null);

    assertThat(s.ratisFolder()).isEqualTo(Path.of("/data/raft/ratis"));
    assertThat(s.dbFolder()).isEqualTo(Path.of("/data/raft/db"));
    assertThat(s.initialPeers()).isEmpty();
  }

  @Test
  void raftSectionKeysMapToRatisSettings() {
    RaftProperties p = RaftProps.server(settings("10.0.0.1:9096", Map.of()));
    RaftProperties c = RaftProps.client(settings("10.0.0.1:9096", Map.of()));

    assertThat(
            RaftServerConfigKeys.Rpc.timeoutMin(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(1000);
    assertThat(
            RaftServerConfigKeys.Rpc.timeoutMax(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(2000);
    assertThat(
            RaftServerConfigKeys.Rpc.requestTimeout(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(10_000);
    assertThat(RaftServerConfigKeys.Read.leaderLeaseTimeoutRatio(p)).isEqualTo(0.5);
    assertThat(RaftServerConfigKeys.Read.leaderLeaseEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Read.option(p))
        .isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    assertThat(org.apache.ratis.RaftConfigKeys.Rpc.type(p, s -> {}).getClass().getSimpleName())
        .isEqualTo("HeartbeatGrpc");
    assertThat(p.get("pincluster.raft.heartbeat-timeout.ms")).isEqualTo("1000");
    assertThat(RaftServerConfigKeys.Log.Appender.retryPolicy(p)).isEqualTo("1ms,10, 500ms,100");
    assertThat(RaftServerConfigKeys.Log.Appender.bufferElementLimit(p)).isEqualTo(64);
    assertThat(RaftServerConfigKeys.Log.purgePreservationLogNum(p)).isEqualTo(10240);
    assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(p)).isTrue();
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerThreshold(p)).isEqualTo(8192);
    assertThat(RaftServerConfigKeys.Snapshot.triggerWhenStopEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Snapshot.retentionFileNum(p)).isEqualTo(2);
    assertThat(RaftServerConfigKeys.storageDir(p).get(0).toPath())
        .isEqualTo(Path.of("/data/raft/ratis"));
    assertThat(RaftServerConfigKeys.removedGroupsDir(p).toPath())
        .isEqualTo(Path.of("/data/raft/ratis/removed-groups"));
    assertThat(RaftClientConfigKeys.Async.outstandingRequestsMax(c)).isEqualTo(256);
    assertThat(
            RaftClientConfigKeys.Rpc.requestTimeout(c)
                .toLong(java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(10);
  }
}

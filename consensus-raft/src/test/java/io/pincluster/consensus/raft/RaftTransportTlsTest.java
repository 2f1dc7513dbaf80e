package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.consensus.raft.internal.EntryCodec;
import io.pincluster.consensus.raft.internal.Failures;
import io.pincluster.consensus.raft.internal.RaftSetup;
import io.pincluster.core.ClusterException;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.StateOp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Raft transport admits exactly the holders of the cluster secret ({@link ClusterTls}): real
 * {@link RaftConsensus} peers on 127.0.0.1, and raw Ratis clients as an attacker would use them.
 */
class RaftTransportTlsTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  /** Writes without a leader give up after this (keeps the refusals quick). */
  static final Duration WAIT_FOR_LEADER = Duration.ofSeconds(2);

  static final RetryPolicy PATIENT =
      RetryPolicies.retryUpToMaximumCountWithFixedSleep(
          40, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
  static final RetryPolicy ONCE = RetryPolicies.noRetry();

  @TempDir Path tmp;
  LocalRaftCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aRaftClientWritesOnlyWithTheClusterSecret() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(WAIT_FOR_LEADER));
    cluster.awaitLeader();

    try (RaftClient stranger = rawClient(TestTls.OTHER.issue("stranger").ratisParameters(), ONCE)) {
      assertThatThrownBy(() -> stranger.io().send(putPin(1))).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> stranger.io().sendReadOnly(Message.EMPTY))
          .isInstanceOf(IOException.class);
    }
    try (RaftClient plain = rawClient(new Parameters(), ONCE)) {
      assertThatThrownBy(() -> plain.io().send(putPin(2))).isInstanceOf(IOException.class);
    }
    // The same client with the cluster's trust gets in (so the refusals above were the TLS).
    try (RaftClient member = rawClient(TestTls.CLUSTER.issue("tool").ratisParameters(), PATIENT)) {
      assertThat(member.io().send(putPin(3)).isSuccess()).isTrue();
    }

    // Applied in log order: once pin 3 is everywhere, pins 1 and 2 would be too had they got in.
    for (int i = 0; i < 3; i++) {
      RaftConsensus node = cluster.node(i);
      await().atMost(WAIT).until(() -> node.state().get(cid(3)).isPresent());
      assertThat(node.state().get(cid(1))).isEmpty();
      assertThat(node.state().get(cid(2))).isEmpty();
    }
  }

  @Test
  void aMemberRestartedWithAnotherSecretCannotWriteReadOrVoteAndRejoinsWithTheRightOne()
      throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(WAIT_FOR_LEADER));
    int leader = cluster.awaitLeader();
    int other = cluster.follower(leader);
    RaftConsensus leaderNode = cluster.node(leader);
    join(leaderNode.commitPin(pin(1)));
    long term = leaderNode.status().term();
    cluster.stop(other);
    cluster.useTls(other, TestTls.OTHER);

    RaftConsensus stranger = cluster.restart(other);

    assertThatThrownBy(() -> join(stranger.commitPin(pin(2))))
        .hasCauseInstanceOf(NoLeaderException.class);
    assertThatThrownBy(() -> join(stranger.sync())).hasCauseInstanceOf(NoLeaderException.class);
    join(leaderNode.commitPin(pin(3))); // the two others still make a majority
    assertThat(stranger.leader()).isEmpty();
    assertThat(stranger.state().get(cid(3))).isEmpty(); // it receives nothing
    for (int i : cluster.running()) {
      if (i != other) {
        assertThat(cluster.node(i).state().get(cid(2))).isEmpty();
        assertThat(cluster.node(i).status().term()).isEqualTo(term); // no vote request got in
      }
    }
    assertThat(leaderNode.isLeader()).isTrue();

    cluster.stop(other);
    cluster.useTls(other, TestTls.CLUSTER);
    RaftConsensus member = cluster.restart(other);
    await().atMost(WAIT).until(() -> member.state().get(cid(3)).isPresent());
    assertThat(member.state().get(cid(2))).isEmpty();
  }

  @Test
  void aPeerWithAnotherSecretCannotJoin() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, 1, LocalRaftCluster.config(WAIT_FOR_LEADER));
    int leader = cluster.awaitLeader();
    join(cluster.node(leader).commitPin(pin(1)));
    cluster.useTls(3, TestTls.OTHER);
    RaftConsensus stranger = cluster.join(3);
    String via = cluster.settings(0).announceAddress();
    String self = cluster.settings(3).announceAddress();

    // Asking to be added: the member refuses the connection.
    assertThatThrownBy(() -> stranger.requestJoin(cluster.id(0), via, self, Duration.ofSeconds(3)))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("cannot join the cluster of " + cluster.id(0))
        .hasMessageContaining(Failures.TLS_HINT);
    // Being added by a member: the leader cannot reach it, so the change never commits.
    assertThatThrownBy(
            () -> join(cluster.node(leader).addPeer(cluster.id(3), cluster.multiaddr(3))))
        .hasCauseInstanceOf(ClusterException.class);

    List<PeerId> founders = List.of(cluster.id(0), cluster.id(1), cluster.id(2));
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.node(i).members()).containsExactlyInAnyOrderElementsOf(founders);
    }
    assertThat(stranger.state().get(cid(1))).isEmpty();
    assertThat(stranger.isMember()).isFalse();
  }

  private RaftClient rawClient(Parameters parameters, RetryPolicy retry) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      peers.add(
          RaftPeer.newBuilder()
              .setId(RaftSetup.raftId(cluster.id(i)))
              .setAddress(cluster.settings(i).announceAddress())
              .build());
    }
    return RaftClient.newBuilder()
        .setClientId(ClientId.randomId())
        .setProperties(p)
        .setParameters(parameters)
        .setRaftGroup(RaftGroup.valueOf(RaftConsensus.GROUP_ID, peers))
        .setRetryPolicy(retry)
        .build();
  }

  /** A well-formed pincluster Raft entry that puts pin {@code n}. */
  private static Message putPin(int n) {
    byte[] entry = EntryCodec.encodeEntry(1000 + n, List.of(new StateOp.PutPin(pin(n))));
    return Message.valueOf(ByteString.copyFrom(entry));
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }
}

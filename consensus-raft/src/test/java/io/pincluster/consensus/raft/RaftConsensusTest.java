package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.NoLeaderException;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.api.Pin;
import io.pincluster.core.peer.Multiaddr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Ratis groups on 127.0.0.1 (see {@link LocalRaftCluster}); no fixed sleeps. */
class RaftConsensusTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  LocalRaftCluster cluster;

  @AfterEach
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static <T> T join(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  static List<Pin> all(RaftConsensus node) {
    try (CloseableIterator<Pin> it = node.state().list()) {
      List<Pin> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }
  }

  @Test
  void threePeersElectALeaderAndAPinCommittedOnAFollowerIsReadableEverywhere() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    RaftConsensus follower = cluster.node(cluster.follower(leader));

    Pin committed = join(follower.commitPin(pin(1)));

    assertThat(committed).isEqualTo(pin(1));
    assertThat(follower.state().get(cid(1))).contains(pin(1)); // read-your-writes, no waiting
    for (int i = 0; i < 3; i++) {
      RaftConsensus node = cluster.node(i);
      await().atMost(WAIT).until(() -> node.state().get(cid(1)).isPresent());
      assertThat(node.state().get(cid(1))).contains(pin(1));
      assertThat(node.members())
          .containsExactlyInAnyOrder(cluster.id(0), cluster.id(1), cluster.id(2));
    }
  }

  @Test
  void aLeaderHandsLeadershipToTheCandidateItIsGiven() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    int follower = cluster.follower(leader);
    io.pincluster.core.peer.PeerId target = cluster.node(follower).settings().self();

    assertThat(cluster.node(leader).transferLeadership(List.of(target), Duration.ofSeconds(10)))
        .isTrue();
    await().atMost(WAIT).until(() -> cluster.node(leader).leader().equals(Optional.of(target)));
    assertThat(cluster.node(follower).transferLeadership(List.of(), Duration.ofSeconds(1)))
        .isFalse(); // no candidate: it keeps leading
  }

  @Test
  void aLeaderDoesNotWaitToHandLeadershipToAVoterThatIsGone() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    int gone = cluster.follower(leader);
    io.pincluster.core.peer.PeerId goneId = cluster.id(gone);
    cluster.stop(gone); // the other two still make a majority: the leader keeps leading
    RaftConsensus node = cluster.node(leader);

    // Ratis reports a transfer to a stopped peer only when it times out: once the leader has not
    // heard from it for an election timeout, it is not asked at all
    await()
        .atMost(WAIT)
        .until(
            () ->
                !node.votersAnsweredWithin(node.settings().config().electionTimeout())
                    .contains(goneId));
    long t0 = System.nanoTime();
    assertThat(node.transferLeadership(List.of(goneId), Duration.ofSeconds(30))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    assertThat(node.isLeader()).isTrue();
  }

  @Test
  void aReallocationCommitsOnlyOverTheUnchangedPin() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    RaftConsensus follower = cluster.node(cluster.follower(leader));
    Pin original = join(follower.commitPin(pin(1)));
    Pin moved = original.withTimestamp(original.timestamp().plusSeconds(1));

    assertThat(join(follower.commitReallocation(original, moved))).isTrue();
    assertThat(follower.state().get(cid(1))).contains(moved);
    assertThat(
            join(
                follower.commitReallocation(
                    original, original.withTimestamp(original.timestamp().plusSeconds(2)))))
        .isFalse();
    join(follower.commitUnpin(cid(1)));
    assertThat(join(follower.commitReallocation(moved, original))).isFalse();
    assertThat(follower.state().get(cid(1))).isEmpty();
  }

  @Test
  void syncOnAPeerWaitsUntilEverythingCommittedElsewhereIsAppliedThere() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    RaftConsensus follower = cluster.node(cluster.follower(leader));
    for (int i = 0; i < 20; i++) {
      join(cluster.node(leader).commitPin(pin(i)));
    }

    long applied = join(follower.sync());

    assertThat(applied).isGreaterThanOrEqualTo(cluster.node(leader).store().appliedIndex());
    assertThat(follower.state().estimatedCount()).isEqualTo(20); // no waiting needed
    assertThat(join(cluster.node(leader).sync())).isGreaterThanOrEqualTo(applied);
  }

  @Test
  void unpinRemovesThePinAndUnpinningAnAbsentCidFailsWithPinNotFound() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    RaftConsensus follower = cluster.node(cluster.follower(leader));
    RaftConsensus leaderNode = cluster.node(leader);
    join(leaderNode.commitPin(pin(1)));
    join(leaderNode.commitPin(pin(2)));

    Pin removed = join(follower.commitUnpin(cid(1)));

    assertThat(removed).isEqualTo(pin(1));
    assertThat(follower.state().get(cid(1))).isEmpty();
    assertThat(follower.state().get(cid(2))).contains(pin(2));
    assertThatThrownBy(() -> join(follower.commitUnpin(cid(1))))
        .hasCauseInstanceOf(PinNotFoundException.class)
        .hasMessageContaining(PinNotFoundException.MESSAGE);
    await().atMost(WAIT).until(() -> all(leaderNode).equals(List.of(pin(2))));
  }

  @Test
  void peerRecordsAreReplicated() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    cluster.awaitLeader();
    PeerRecord record =
        new PeerRecord(
            cluster.id(0),
            "peer-0",
            Multiaddr.tcp("127.0.0.1", 1),
            Multiaddr.tcp("127.0.0.1", 2),
            Multiaddr.tcp("127.0.0.1", 3),
            "",
            List.of());

    join(cluster.node(0).commitPeerRecord(record));

    assertThat(cluster.node(0).peerTable().peer(cluster.id(0))).contains(record);
    await().atMost(WAIT).until(() -> cluster.node(2).peerTable().peers().equals(List.of(record)));
  }

  @Test
  void closingTheLeaderElectsANewOneAndWritesContinueOnTheSurvivors() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int oldLeader = cluster.awaitLeader();
    join(cluster.node(oldLeader).commitPin(pin(1)));

    cluster.stop(oldLeader);
    int newLeader = cluster.awaitLeader();

    assertThat(newLeader).isNotEqualTo(oldLeader);
    for (int i : cluster.running()) {
      join(cluster.node(i).commitPin(pin(10 + i)));
    }
    for (int i : cluster.running()) {
      RaftConsensus node = cluster.node(i);
      await().atMost(WAIT).until(() -> node.state().estimatedCount() == 3);
    }
  }

  @Test
  void aRestartedPeerRecoversItsStateAndCatchesUp() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    int f = cluster.follower(leader);
    for (int i = 0; i < 5; i++) {
      join(cluster.node(leader).commitPin(pin(i)));
    }
    join(cluster.node(leader).commitUnpin(cid(0)));
    RaftConsensus before = cluster.node(f);
    await().atMost(WAIT).until(() -> before.store().appliedIndex() >= leaderApplied(leader));
    long appliedBeforeStop = before.store().appliedIndex();
    cluster.stop(f);

    join(cluster.node(leader).commitUnpin(cid(1)));
    join(cluster.node(leader).commitPin(pin(0, "again")));
    join(cluster.node(leader).commitPin(pin(9)));
    RaftConsensus restarted = cluster.restart(f);

    assertThat(restarted.store().appliedIndex()).isGreaterThanOrEqualTo(appliedBeforeStop);
    assertThat(restarted.state().get(cid(1))).contains(pin(1)); // its own state, before catch-up
    List<Pin> expected = all(cluster.node(leader));
    assertThat(expected).hasSize(5);
    await().atMost(WAIT).until(() -> all(restarted).equals(expected));
    assertThat(restarted.state().estimatedCount()).isEqualTo(5);
    assertThat(restarted.store().applied()).isEqualTo(cluster.node(leader).store().applied());
    join(restarted.commitPin(pin(20))); // and it can write again
    assertThat(restarted.state().get(cid(20))).contains(pin(20));
  }

  private long leaderApplied(int leader) {
    return cluster.node(leader).store().appliedIndex();
  }

  @Test
  void aSinglePeerGroupCommitsOnItsOwn() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    cluster.awaitLeader();
    RaftConsensus node = cluster.node(0);

    join(node.commitPin(pin(1)));
    join(node.commitPin(pin(2)));
    join(node.commitUnpin(cid(1)));

    assertThat(all(node)).containsExactly(pin(2));
    assertThat(node.leader()).contains(cluster.id(0));
    assertThat(node.members()).containsExactly(cluster.id(0));
  }

  @Test
  void withoutAQuorumAWriteFailsWithNoLeaderAfterTheWaitAndSucceedsOnceAPeerReturns()
      throws Exception {
    Duration waitForLeader = Duration.ofSeconds(2);
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(waitForLeader));
    int leader = cluster.awaitLeader();
    int survivor = cluster.follower(leader);
    join(cluster.node(survivor).commitPin(pin(1)));
    int other = 3 - leader - survivor;
    cluster.stop(leader);
    cluster.stop(other);
    // A write sent over the connection to the stopped leader may fail as indeterminate (it could
    // have reached the leader before it stopped); the next one starts on fresh connections.
    assertThatThrownBy(() -> join(cluster.node(survivor).commitPin(pin(9))))
        .hasCauseInstanceOf(io.pincluster.core.ClusterException.class);

    long start = System.nanoTime();
    assertThatThrownBy(() -> join(cluster.node(survivor).commitPin(pin(2))))
        .isInstanceOf(java.util.concurrent.ExecutionException.class)
        .cause()
        .isInstanceOf(NoLeaderException.class)
        .hasMessageContaining("no leader: timed out after 2s");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(waitForLeader, waitForLeader.plusSeconds(8));

    cluster.restart(other);
    cluster.awaitLeader();
    join(cluster.node(survivor).commitPin(pin(3)));
    assertThat(cluster.node(survivor).state().get(cid(3))).contains(pin(3));
  }

  @Test
  void theLeaderRefusesAnEntryOfAnUnknownVersionSoItNeverReachesTheLog() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    cluster.awaitLeader();
    RaftConsensus node = cluster.node(0);
    long applied = node.store().appliedIndex();
    byte[] newer = new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    org.apache.ratis.protocol.RaftPeer peer =
        org.apache.ratis.protocol.RaftPeer.newBuilder()
            .setId(cluster.id(0).toString())
            .setAddress(cluster.multiaddr(0).hostPort())
            .build();
    try (org.apache.ratis.client.RaftClient raw =
        org.apache.ratis.client.RaftClient.newBuilder()
            .setProperties(new org.apache.ratis.conf.RaftProperties())
            .setParameters(TestTls.CLUSTER.issue("test").ratisParameters()) // the Raft port's TLS
            .setRaftGroup(org.apache.ratis.protocol.RaftGroup.valueOf(RaftConsensus.GROUP_ID, peer))
            .build()) {
      org.apache.ratis.protocol.Message message =
          org.apache.ratis.protocol.Message.valueOf(
              org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(newer));

      assertThatThrownBy(() -> raw.io().send(message))
          .isInstanceOf(org.apache.ratis.protocol.exceptions.StateMachineException.class)
          .hasMessageContaining("unsupported entry version 2");
    }
    assertThat(node.store().appliedIndex()).isEqualTo(applied);
    assertThat(node.failure()).isEmpty();
    join(node.commitPin(pin(1)));
  }

  @Test
  void closeIsIdempotentAndLaterWritesFail() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    cluster.awaitLeader();
    RaftConsensus node = cluster.node(0);

    node.close();
    node.close();

    assertThatThrownBy(() -> node.commitPin(pin(1)).join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("closed");
    assertThat(node.leader()).isEmpty();
  }
}

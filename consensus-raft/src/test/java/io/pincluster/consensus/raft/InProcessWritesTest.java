package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.Pin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader's own writes reach its Raft server in process; a follower's go to the leader over gRPC;
 * writes in flight survive a leadership change either way.
 */
class InProcessWritesTest {
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  LocalRaftCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static void commitAll(RaftConsensus node, int from, int to) throws Exception {
    List<CompletableFuture<Pin>> fs = new ArrayList<>();
    for (int i = from; i < to; i++) {
      fs.add(node.commitPin(pin(i)));
    }
    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (int i = 0; i < fs.size(); i++) {
      assertThat(fs.get(i).join()).isEqualTo(pin(from + i));
    }
  }

  @Test
  void theLeadersWritesGoInProcessAndAFollowersOverTheNetwork() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(20)));
    int leader = cluster.awaitLeader();
    RaftConsensus leaderNode = cluster.node(leader);
    RaftConsensus follower = cluster.node(cluster.follower(leader));

    commitAll(leaderNode, 0, 200);
    commitAll(follower, 200, 400);

    assertThat(leaderNode.writesSentInProcess()).isPositive();
    assertThat(leaderNode.writesSentInProcess())
        .as("every entry the leader proposed went in process")
        .isGreaterThanOrEqualTo(leaderNode.entriesSent());
    assertThat(follower.entriesSent()).isPositive();
    assertThat(follower.writesSentInProcess()).isZero();
    for (int i : cluster.running()) {
      RaftConsensus n = cluster.node(i);
      await().atMost(WAIT).until(() -> n.state().estimatedCount() == 400);
    }
  }

  @Test
  void writesInFlightAtTheLeaderCommitWhenItHandsLeadershipOver() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(20)));
    int leader = cluster.awaitLeader();
    RaftConsensus oldLeader = cluster.node(leader);
    List<CompletableFuture<Pin>> fs = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      fs.add(oldLeader.commitPin(pin(i)));
    }
    await().atMost(WAIT).until(() -> fs.stream().filter(CompletableFuture::isDone).count() > 50);
    cluster.moveLeadership(cluster.follower(leader), WAIT);
    for (int i = 5_000; i < 6_000; i++) {
      fs.add(oldLeader.commitPin(pin(i))); // now to the new leader, over gRPC
    }

    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(oldLeader.isLeader()).isFalse();
    assertThat(oldLeader.state().estimatedCount()).isEqualTo(6_000);
    int newLeader = cluster.awaitLeader();
    long before = cluster.node(newLeader).writesSentInProcess();
    commitAll(cluster.node(newLeader), 6_000, 6_010);
    assertThat(cluster.node(newLeader).writesSentInProcess()).isGreaterThan(before);
  }

  @Test
  void writesFromEveryPeerCommitWhileLeadershipMovesAroundAndBack() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(20)));
    int first = cluster.awaitLeader();
    List<CompletableFuture<Pin>> fs = new ArrayList<>();
    int next = 0;
    for (int hop = 0; hop < 4; hop++) {
      int leader = cluster.awaitLeader();
      for (int round = 0; round < 3; round++) {
        for (int node = 0; node < 3; node++) {
          for (int k = 0; k < 300; k++) {
            fs.add(cluster.node(node).commitPin(pin(next++)));
          }
        }
      }
      int target = hop == 3 ? first : (leader + 1) % 3;
      cluster.moveLeadership(target, WAIT);
    }

    CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    int total = next;
    for (int i : cluster.running()) {
      RaftConsensus n = cluster.node(i);
      await().atMost(WAIT).until(() -> n.state().estimatedCount() == total);
      assertThat(n.writesSentInProcess()).as("peer %d led once", i).isPositive();
    }
  }

  @Test
  void aOnePeerClusterWritesOnlyInProcess() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(20)));
    RaftConsensus only = cluster.node(cluster.awaitLeader());
    commitAll(only, 0, 300);
    assertThat(only.writesSentInProcess()).isGreaterThanOrEqualTo(only.entriesSent());
    assertThat(only.state().estimatedCount()).isEqualTo(300);
  }
}

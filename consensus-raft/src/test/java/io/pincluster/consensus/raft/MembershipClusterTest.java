package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.consensus.raft.internal.RaftProps;
import io.pincluster.core.ClusterException;
import io.pincluster.core.config.RaftSection;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** addPeer / removePeer on real Ratis peers. */
class MembershipClusterTest {
  static final Duration WAIT = Duration.ofSeconds(30);

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

  @Test
  void aJoiningPeerIsAddedCatchesUpBySnapshotAndARemovedFollowerIsTold() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    RaftConsensus leaderNode = cluster.node(leader);
    SnapshotTest.loadPins(leaderNode, 3000, 1000);
    join(leaderNode.snapshot());
    join(leaderNode.commitPin(pin(5000))); // after the snapshot: comes by the log

    RaftConsensus joiner = cluster.join(3);
    assertThat(joiner.isMember()).isFalse();
    assertThat(joiner.members()).isEmpty();
    join(cluster.node(cluster.follower(leader)).addPeer(cluster.id(3), cluster.multiaddr(3)));

    assertThat(joiner.awaitCaughtUp(WAIT)).isTrue();
    assertThat(joiner.state().estimatedCount()).isEqualTo(3001);
    assertThat(joiner.state().get(cid(5000))).isPresent();
    assertThat(joiner.latestSnapshotIndex()).isPresent(); // installed from the leader
    await().atMost(WAIT).until(joiner::isMember);
    assertThat(leaderNode.voters()).hasSize(4).contains(cluster.id(3));
    join(leaderNode.addPeer(cluster.id(3), cluster.multiaddr(3))); // idempotent

    int removed = cluster.follower(leader);
    CountDownLatch told = new CountDownLatch(1);
    cluster.node(removed).onRemoved(told::countDown);
    join(joiner.removePeer(cluster.id(removed)));

    assertThat(told.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(cluster.node(removed).isMember()).isFalse();
    assertThat(leaderNode.members()).hasSize(3).doesNotContain(cluster.id(removed));
    join(joiner.commitPin(pin(5001)));
    await().atMost(WAIT).until(() -> leaderNode.state().get(cid(5001)).isPresent());

    // a member started again as a joiner keeps its state and membership
    cluster.stop(3);
    RaftConsensus again = cluster.join(3);
    assertThat(again.state().get(cid(5001))).isPresent();
    await().atMost(WAIT).until(again::isMember);
  }

  /**
   * A follower cut off from the others while it is removed never receives a configuration without
   * it: the leader tells it to shut down when it next asks for votes, its division closes with a
   * configuration that still lists it, and it learns from the leader that it was removed (instead
   * of taking the close as a failure and staying behind).
   */
  @Test
  void aFollowerCutOffWhileItIsRemovedLearnsItFromTheLeader() throws Exception {
    cluster = LocalRaftCluster.prepare(tmp, 3, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    try (ThrottledTcpProxy link = ThrottledTcpProxy.start(cluster.port(2), Long.MAX_VALUE)) {
      cluster.announceAt(2, "127.0.0.1:" + link.port()); // what the others send peer 2 goes here
      for (int i = 0; i < 3; i++) {
        cluster.restart(i);
      }
      if (cluster.awaitLeader() == 2) {
        cluster.moveLeadership(0, WAIT);
      }
      int leader = cluster.awaitLeader();
      RaftConsensus cutOff = cluster.node(2);
      join(cluster.node(leader).commitPin(pin(1)));
      await().atMost(WAIT).until(() -> cutOff.state().get(cid(1)).isPresent());
      CountDownLatch told = new CountDownLatch(1);
      cutOff.onRemoved(told::countDown);

      link.cut();
      join(cluster.node(leader).removePeer(cluster.id(2)));

      assertThat(told.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(cutOff.failure()).isEmpty();
      assertThat(cutOff.isMember()).isFalse();
      assertThat(cluster.node(leader).members()).hasSize(2).doesNotContain(cluster.id(2));
      join(cluster.node(leader).commitPin(pin(2)));
    }
  }

  /** A peer removed while it was down is told to shut down once it runs again, and learns why. */
  @Test
  void aPeerRemovedWhileItWasDownLearnsItWhenItStartsAgain() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    int down = cluster.follower(leader);
    cluster.stop(down);
    join(cluster.node(leader).removePeer(cluster.id(down)));
    join(cluster.node(leader).commitPin(pin(1)));

    RaftConsensus again = cluster.restart(down);
    CountDownLatch told = new CountDownLatch(1);
    again.onRemoved(told::countDown);
    assertThat(told.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(again.failure()).isEmpty();
    assertThat(again.isMember()).isFalse();
    // its stale configuration lists it as a voter, but its division was shut down: not a
    // promoted listener waiting for a restart (the daemon would restart instead of cleaning up)
    assertThat(again.needsRestart()).isFalse();
  }

  /**
   * The 10M-pin case in small: the new peer's snapshot arrives over a slow link that also stalls
   * for longer than Ratis' default staging timeout (three times the longest election timeout), so
   * the transfer outlasts both the join's wait and our staging timeout.
   */
  @Test
  void aJoinWhoseSnapshotArrivesSlowlyCompletesWhileItKeepsArriving() throws Exception {
    RaftSection config = LocalRaftCluster.config(Duration.ofSeconds(10));
    cluster = LocalRaftCluster.start(tmp, 3, 1, config);
    int leader = cluster.awaitLeader();
    RaftConsensus leaderNode = cluster.node(leader);
    int pins = 100_000;
    SnapshotTest.loadPins(leaderNode, pins, 1000);
    join(leaderNode.snapshot());
    long snapshotBytes = largestSnapshotBytes(cluster.groupFolder(leader));
    assertThat(snapshotBytes).isGreaterThan(8L << 20); // the stall comes mid-transfer
    Duration staging = RaftProps.stagingTimeout(config);
    Duration stall = config.electionTimeout().multipliedBy(2 * 3).plusSeconds(2);
    assertThat(stall).isLessThan(staging.minusSeconds(2));
    long bytesPerSecond = snapshotBytes * 1000 / staging.toMillis();

    try (ThrottledTcpProxy slowLink = ThrottledTcpProxy.start(cluster.port(3), bytesPerSecond)) {
      String announced = "127.0.0.1:" + slowLink.port();
      cluster.announceAt(3, announced);
      RaftConsensus joiner = cluster.join(3);
      long start = System.nanoTime();
      CompletableFuture<Void> joined =
          CompletableFuture.runAsync(
              () ->
                  joiner.requestJoin(
                      cluster.id(leader),
                      "127.0.0.1:" + cluster.port(leader),
                      announced,
                      Duration.ofSeconds(1)));
      // after the first 4 MB chunk has arrived (before it, only the join's wait applies)
      await().atMost(WAIT).until(() -> slowLink.forwarded() > 5L << 20);
      slowLink.stall(stall);
      join(joined);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(staging);
      assertThat(slowLink.forwarded()).isGreaterThan(snapshotBytes);
      assertThat(joiner.awaitCaughtUp(WAIT)).isTrue();
      assertThat(joiner.isMember()).isTrue();
      assertThat(joiner.state().estimatedCount()).isEqualTo(pins);
      assertThat(leaderNode.voters()).contains(cluster.id(3));
    }
  }

  /** Bytes of the largest {@code sm/snapshot.*} folder of a Ratis group folder. */
  private static long largestSnapshotBytes(Path group) throws IOException {
    long largest = 0;
    try (Stream<Path> snapshots = Files.list(group.resolve("sm"))) {
      for (Path snapshot : snapshots.toList()) {
        try (Stream<Path> files = Files.walk(snapshot)) {
          long bytes = 0;
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            bytes += Files.size(f);
          }
          largest = Math.max(largest, bytes);
        }
      }
    }
    assertThat(largest).isPositive();
    return largest;
  }

  @Test
  void anOfflinePeerAndThenTheLeaderAreRemovedAndTheLastPeerCannotBe() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    int offline = cluster.follower(leader);
    int other = 3 - leader - offline;
    cluster.stop(offline);

    join(cluster.node(other).removePeer(cluster.id(offline)));
    assertThat(cluster.node(leader).members())
        .containsExactlyInAnyOrder(cluster.id(leader), cluster.id(other));

    CountDownLatch leaderTold = new CountDownLatch(1);
    cluster.node(leader).onRemoved(leaderTold::countDown);
    join(cluster.node(other).removePeer(cluster.id(leader)));

    assertThat(leaderTold.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    RaftConsensus survivor = cluster.node(other);
    await().atMost(WAIT).until(survivor::isLeader);
    join(survivor.commitPin(pin(1)));
    assertThat(survivor.members()).containsExactly(cluster.id(other));
    assertThatThrownBy(() -> join(survivor.removePeer(cluster.id(other))))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ClusterException.class)
        .hasMessage("cannot remove the last peer of the cluster");
    assertThatThrownBy(() -> join(survivor.removePeer(cluster.id(offline))))
        .cause()
        .hasMessage("peer " + cluster.id(offline) + " is not a member of the cluster");
  }

  @Test
  void aSixthMemberAskingToJoinListensAndIsPromotedWhenAVoterIsRemoved() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 5, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    RaftConsensus leaderNode = cluster.node(leader);
    join(leaderNode.commitPin(pin(1)));

    RaftConsensus sixth = cluster.join(5);
    int via = cluster.follower(leader); // a follower redirects the request to the leader
    sixth.requestJoin(
        cluster.id(via), cluster.multiaddr(via).hostPort(), cluster.multiaddr(5).hostPort(), WAIT);

    assertThat(leaderNode.voters()).hasSize(5).doesNotContain(cluster.id(5));
    assertThat(leaderNode.listeners()).containsExactly(cluster.id(5));
    assertThat(leaderNode.members()).hasSize(6);
    assertThat(sixth.awaitCaughtUp(WAIT)).isTrue();
    assertThat(sixth.state().get(cid(1))).isPresent(); // listeners hold the full pinset
    join(leaderNode.commitPin(pin(2)));
    await().atMost(WAIT).until(() -> sixth.state().get(cid(2)).isPresent());

    int voter = cluster.follower(leader);
    join(leaderNode.removePeer(cluster.id(voter)));

    List<PeerId> voters = leaderNode.voters();
    assertThat(voters).hasSize(5).contains(cluster.id(5)).doesNotContain(cluster.id(voter));
    assertThat(leaderNode.listeners()).isEmpty();
    await().atMost(WAIT).until(() -> sixth.voters().contains(cluster.id(5)));
    // Ratis 3.2 keeps the promoted listener from voting until it restarts; after that it votes
    await().atMost(WAIT).until(sixth::needsRestart);
    cluster.stop(5);
    RaftConsensus restarted = cluster.restart(5);
    await().atMost(WAIT).until(() -> !restarted.needsRestart() && restarted.isMember());
    join(leaderNode.commitPin(pin(3)));
    await().atMost(WAIT).until(() -> restarted.state().get(cid(3)).isPresent());
  }

  @Test
  void aMemberRestartedOnANewAddressUpdatesItAndTheOthersReachItThere() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(10)));
    int leader = cluster.awaitLeader();
    int moved = cluster.follower(leader);
    cluster.stop(moved);
    cluster.moveToNewPort(moved);
    join(cluster.node(leader).commitPin(pin(1)));

    RaftConsensus restarted = cluster.restart(moved);

    String newAddress = "127.0.0.1:" + cluster.port(moved);
    await()
        .atMost(WAIT)
        .until(
            () -> newAddress.equals(cluster.node(leader).raftAddresses().get(cluster.id(moved))));
    join(cluster.node(leader).commitPin(pin(2)));
    await().atMost(WAIT).until(() -> restarted.state().get(cid(2)).isPresent());
    assertThat(restarted.state().get(cid(1))).isPresent();
  }
}

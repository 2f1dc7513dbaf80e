package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.ClusterException;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.service.state.RemovedMarker;
import io.pincluster.service.state.StateFolders;
import io.pincluster.testing.Cids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Joining, removing and leaving, with real peers in one JVM. */
class MembershipTest {
  static final Duration WAIT = Duration.ofSeconds(45);
  @TempDir Path dir;
  LocalCluster cluster;
  List<Cid> pins;

  @BeforeEach
  void start() throws Exception {
    cluster = LocalCluster.start(dir, 3);
    await().atMost(WAIT).until(() -> cluster.ready());
    pins = Cids.random(20);
    for (Cid c : pins) {
      cluster
          .peer(0)
          .cluster()
          .pin(c, PinOptions.DEFAULT.withReplication(-1, -1))
          .get(20, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  boolean hasAllPins(int i) {
    return pins.stream().allMatch(c -> cluster.peer(i).consensus().state().get(c).isPresent());
  }

  int aFollower() {
    int leader = cluster.leader().orElseThrow();
    return cluster.running().stream().filter(i -> i != leader).findFirst().orElseThrow();
  }

  @Test
  void aFreshPeerJoinsWithBootstrapAndCatchesUp() {
    int joiner = cluster.join(1);
    assertThat(hasAllPins(joiner)).isTrue();
    await().atMost(WAIT).until(() -> cluster.peer(0).consensus().members().size() == 4);
    assertThat(cluster.peer(0).consensus().members()).contains(cluster.id(joiner));
    await().atMost(WAIT).until(() -> pins.stream().allMatch(c -> cluster.kubo(joiner).isPinned(c)));
  }

  @Test
  void aJoinCutShortIsMadeAgainThroughTheSamePeerInsteadOfStartingAGroupOfItsOwn()
      throws Exception {
    // What a kill -9 during the snapshot install of a --bootstrap join leaves: the JOINING marker
    // and a Raft folder without any cluster configuration (Raft alone would start a one-member
    // group from it). Restarted without --bootstrap, as systemd would.
    int joiner = cluster.addPeerFolder();
    Path configFolder = cluster.folder(joiner).path();
    Path partial = configFolder.resolve("raft/ratis/partial-download");
    Files.createDirectories(partial);
    io.pincluster.service.state.JoinMarker.write(configFolder, cluster.raftAddress(0));

    cluster.startPeer(joiner, new Daemon.Options(false, Optional.empty(), false));

    await().atMost(WAIT).until(() -> hasAllPins(joiner));
    assertThat(cluster.peer(joiner).consensus().members())
        .hasSize(4)
        .contains(cluster.id(0), cluster.id(joiner));
    assertThat(configFolder.resolve("raft/ratis/partial-download"))
        .as("the partial state is deleted")
        .doesNotExist();
    assertThat(StateFolders.backup(configFolder.resolve("raft"), 0))
        .as("and takes no place among the backups")
        .doesNotExist();
    assertThat(io.pincluster.service.state.JoinMarker.read(configFolder)).isEmpty();
    await().atMost(WAIT).until(() -> cluster.peer(0).consensus().members().size() == 4);
  }

  @Test
  void bootstrapGivenToAnExistingMemberKeepsItsStateAndStartsNormally() {
    int follower = aFollower();
    cluster.stopPeer(follower);
    cluster.startPeer(
        follower,
        new Daemon.Options(false, Optional.of(cluster.raftAddress((follower + 1) % 3)), false));
    await().atMost(WAIT).until(() -> hasAllPins(follower));
    assertThat(cluster.peer(follower).consensus().members()).hasSize(3);
  }

  @Test
  void aRemovedPeerStopsRotatesItsStateAndRefusesToRestart() throws Exception {
    int follower = aFollower();
    int other = cluster.running().stream().filter(i -> i != follower).findFirst().orElseThrow();
    cluster.peer(other).cluster().peerRemove(cluster.id(follower)).get(20, TimeUnit.SECONDS);
    Daemon removed = cluster.peer(follower);
    await().atMost(WAIT).until(removed::isTerminated);
    Path data = cluster.folder(follower).path().resolve("raft");
    assertThat(data).doesNotExist();
    assertThat(StateFolders.backup(data, 0)).isDirectory();
    assertThat(RemovedMarker.read(cluster.folder(follower).path())).isPresent();
    Path peerstore = cluster.folder(follower).resolveFile("peerstore");
    assertThat(Files.readString(peerstore)).isEmpty();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(peerstore)))
        .as("rewritten private")
        .isEqualTo("rw-------");
    cluster.daemons.set(follower, null);
    assertThatThrownBy(() -> cluster.startPeer(follower))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("left or was removed from the cluster")
        .hasMessageContaining("--bootstrap");
    // the others carry on without it
    assertThat(cluster.peer(other).consensus().members())
        .hasSize(2)
        .doesNotContain(cluster.id(follower));
    Cid after = Cids.random();
    cluster.peer(other).cluster().pin(after, PinOptions.DEFAULT).get(20, TimeUnit.SECONDS);
  }

  @Test
  void aPeerRemovedWhileItWasDownCleansUpWhenItStartsAgain() throws Exception {
    int follower = aFollower();
    int other = cluster.running().stream().filter(i -> i != follower).findFirst().orElseThrow();
    cluster.stopPeer(follower);
    cluster.peer(other).cluster().peerRemove(cluster.id(follower)).get(20, TimeUnit.SECONDS);

    cluster.startPeer(follower);
    Daemon again = cluster.peer(follower);
    await().atMost(WAIT).until(again::isTerminated);
    cluster.daemons.set(follower, null);
    assertThat(RemovedMarker.read(cluster.folder(follower).path())).isPresent();
    assertThat(StateFolders.backup(cluster.folder(follower).path().resolve("raft"), 0))
        .isDirectory();
    assertThat(cluster.peer(other).consensus().members())
        .hasSize(2)
        .doesNotContain(cluster.id(follower));
  }

  @Test
  void removingTheLeaderElectsAnotherAndWritesContinue() throws Exception {
    int leader = cluster.leader().orElseThrow();
    cluster.peer(aFollower()).cluster().peerRemove(cluster.id(leader)).get(20, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> cluster.peer(leader).isTerminated());
    cluster.daemons.set(leader, null);
    await().atMost(WAIT).until(() -> cluster.leader().filter(l -> l != leader).isPresent());
    int survivor = cluster.running().get(0);
    cluster
        .peer(survivor)
        .cluster()
        .pin(Cids.random(), PinOptions.DEFAULT)
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void removingTheLastPeerIsRefused() throws Exception {
    int a = aFollower();
    int leader = cluster.leader().orElseThrow();
    int b = 3 - a - leader;
    cluster.peer(leader).cluster().peerRemove(cluster.id(a)).get(20, TimeUnit.SECONDS);
    cluster.peer(leader).cluster().peerRemove(cluster.id(b)).get(20, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> cluster.peer(leader).consensus().members().size() == 1);
    assertThatThrownBy(
            () ->
                cluster
                    .peer(leader)
                    .cluster()
                    .peerRemove(cluster.id(leader))
                    .get(20, TimeUnit.SECONDS))
        .hasMessageContaining("last");
  }

  @Test
  void leaveOnShutdownRemovesThePeerAndCleansItsState() {
    int follower = aFollower();
    cluster.stopPeer(follower);
    cluster.startPeer(follower, new Daemon.Options(false, Optional.empty(), true));
    await().atMost(WAIT).until(() -> hasAllPins(follower));
    cluster.stopPeer(follower);
    int other = cluster.running().get(0);
    await().atMost(WAIT).until(() -> cluster.peer(other).consensus().members().size() == 2);
    assertThat(RemovedMarker.read(cluster.folder(follower).path()))
        .get()
        .asString()
        .contains("left");
    assertThat(StateFolders.backup(cluster.folder(follower).path().resolve("raft"), 0))
        .isDirectory();
  }
}

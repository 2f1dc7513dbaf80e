package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real peers in one JVM (real Ratis, peer RPC and REST on loopback; fake IPFS daemons). */
class ThreePeersTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  LocalCluster cluster;

  @BeforeEach
  void start() {
    cluster = LocalCluster.start(dir, 3);
    awaitLeaderAndPeerTable();
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  void awaitLeaderAndPeerTable() {
    await().atMost(WAIT).until(() -> cluster.ready());
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.running().stream()
                    .allMatch(
                        i ->
                            cluster.peer(i).consensus().peerTable().peers().size()
                                == cluster.size()));
  }

  int aFollower() {
    int leader = cluster.leader().orElseThrow();
    return cluster.running().stream().filter(i -> i != leader).findFirst().orElseThrow();
  }

  long ipfsNodesPinning(Cid cid) {
    return IntStream.range(0, cluster.size()).filter(i -> cluster.kubo(i).isPinned(cid)).count();
  }

  Pin pin(int peer, Cid cid, int min, int max) throws Exception {
    return cluster
        .peer(peer)
        .cluster()
        .pin(cid, PinOptions.DEFAULT.withReplication(min, max).withName("t"))
        .get(20, TimeUnit.SECONDS);
  }

  @Test
  void aPinSubmittedOnAFollowerIsReadOnEveryPeerAndPinnedWhereAllocated() throws Exception {
    Cid cid = Cids.random();
    int follower = aFollower();
    Pin pin = pin(follower, cid, 2, 2);
    assertThat(pin.allocations()).hasSize(2);
    // read-your-writes on the peer that took the request
    assertThat(cluster.peer(follower).cluster().allocation(cid)).contains(pin);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.running().stream()
                    .allMatch(i -> cluster.peer(i).cluster().allocation(cid).isPresent()));
    await().atMost(WAIT).until(() -> ipfsNodesPinning(cid) == 2);
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.kubo(i).isPinned(cid))
          .isEqualTo(pin.allocations().contains(cluster.id(i)));
    }
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              GlobalPinInfo status = cluster.peer(0).cluster().status(cid, false);
              assertThat(status.peerMap()).hasSize(3);
              assertThat(
                      status.peerMap().values().stream()
                          .filter(s -> s.status() == TrackerStatus.PINNED))
                  .hasSize(2);
              assertThat(
                      status.peerMap().values().stream()
                          .filter(s -> s.status() == TrackerStatus.REMOTE))
                  .hasSize(1);
            });

    int other = (follower + 1) % 3;
    Pin removed = cluster.peer(other).cluster().unpin(cid).get(20, TimeUnit.SECONDS);
    assertThat(removed.cid()).isEqualTo(cid);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.running().stream()
                    .allMatch(i -> cluster.peer(i).cluster().allocation(cid).isEmpty()));
    await().atMost(WAIT).until(() -> ipfsNodesPinning(cid) == 0);
    assertThatThrownBy(() -> cluster.peer(other).cluster().unpin(cid).get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(PinNotFoundException.class);
  }

  @Test
  void everywherePinsArePinnedByEveryPeerAndStoreNoAllocations() throws Exception {
    Cid cid = Cids.random();
    Pin pin = pin(aFollower(), cid, -1, -1);
    assertThat(pin.allocations()).isEmpty();
    await().atMost(WAIT).until(() -> ipfsNodesPinning(cid) == 3);
  }

  @Test
  void askingForMoreReplicasThanPeersFailsAndCommitsNothing() {
    Cid cid = Cids.random();
    assertThatThrownBy(() -> pin(0, cid, 4, 5))
        .hasCauseInstanceOf(NotEnoughPeersException.class)
        .hasMessageContaining("Needed at least: 4");
    assertThat(cluster.peer(0).cluster().allocation(cid)).isEmpty();
  }

  @Test
  void whenTheLeaderDiesANewOneIsElectedAndPinsKeepWorking() throws Exception {
    Cid before = Cids.random();
    pin(aFollower(), before, -1, -1);
    int oldLeader = cluster.leader().orElseThrow();
    cluster.stopPeer(oldLeader);
    await().atMost(WAIT).until(() -> cluster.leader().filter(l -> l != oldLeader).isPresent());

    Cid after = Cids.random();
    int survivor = cluster.running().get(0);
    // allocation avoids a dead peer once its ping metric expired (2 × monitor_ping_interval)
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(survivor).cluster().latestMetrics("ping").stream()
                    .noneMatch(m -> m.peer().equals(cluster.id(oldLeader))));
    Pin pin = pin(survivor, after, 1, 2);
    assertThat(pin.allocations()).doesNotContain(cluster.id(oldLeader)).isNotEmpty();
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.running().stream()
                    .allMatch(i -> cluster.peer(i).cluster().allocation(after).isPresent()));

    // the old leader comes back on the same folder and catches up
    cluster.startPeer(oldLeader);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(oldLeader).cluster().allocation(after).isPresent()
                    && cluster.peer(oldLeader).cluster().allocation(before).isPresent());
    await().atMost(WAIT).until(() -> cluster.kubo(oldLeader).isPinned(before));
    assertThat(List.of(before, after))
        .allSatisfy(
            c -> assertThat(cluster.peer(oldLeader).consensus().state().get(c)).isPresent());
  }
}

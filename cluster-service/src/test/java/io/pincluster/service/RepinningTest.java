package io.pincluster.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.NotEnoughPeersException;
import io.pincluster.core.api.Alert;
import io.pincluster.core.api.Metric;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring, allocation and automatic re-pinning on five real peers in one JVM (fake IPFS, shrunk
 * intervals): failures of one peer, of the leader and another at once, repinning disabled, a peer
 * back within the grace period, {@code peers rm}.
 */
class RepinningTest {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Consumer<ObjectNode> fast(String grace, boolean disableRepinning) {
    return json -> {
      ObjectNode c = (ObjectNode) json.get("cluster");
      c.put("monitor_ping_interval", "250ms");
      c.put("repin_grace_period", grace);
      c.put("disable_repinning", disableRepinning);
      ((ObjectNode) json.get("monitor").get("monbasic")).put("check_interval", "250ms");
      ((ObjectNode) json.get("informer").get("disk")).put("metric_ttl", "1s");
      ((ObjectNode) json.get("informer").get("tags")).put("metric_ttl", "1s");
    };
  }

  void start(Consumer<ObjectNode> tweak) {
    cluster = LocalCluster.start(dir, 5, tweak);
    await().atMost(WAIT).until(() -> cluster.ready());
    awaitAllHealthyEverywhere();
  }

  void awaitAllHealthyEverywhere() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.running().stream()
                    .allMatch(
                        i ->
                            cluster.peer(i).cluster().latestMetrics("ping").size()
                                    == cluster.running().size()
                                && cluster.peer(i).cluster().latestMetrics("freespace").size()
                                    == cluster.running().size()));
  }

  static PinOptions replication(int min, int max) {
    return PinOptions.DEFAULT.withReplication(min, max);
  }

  List<Cid> pinMany(int via, int n, int min, int max) throws Exception {
    List<Cid> cids = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Cid c = Cids.random();
      cluster.peer(via).cluster().pin(c, replication(min, max)).get(20, TimeUnit.SECONDS);
      cids.add(c);
    }
    return cids;
  }

  Map<Cid, List<PeerId>> allocations(int via, List<Cid> cids) {
    Map<Cid, List<PeerId>> out = new HashMap<>();
    for (Cid c : cids) {
      out.put(c, cluster.peer(via).cluster().allocation(c).orElseThrow().allocations());
    }
    return out;
  }

  /** True when, seen from peer {@code via}, every pin has at least min allocations among alive. */
  boolean satisfied(int via, List<Cid> cids, int min, Set<PeerId> dead) {
    for (Cid c : cids) {
      Pin p = cluster.peer(via).cluster().allocation(c).orElseThrow();
      if (p.allocations().stream().filter(a -> !dead.contains(a)).count() < min) {
        return false;
      }
    }
    return true;
  }

  void awaitRepinned(List<Cid> cids, int min, Set<PeerId> dead) {
    await()
        .atMost(WAIT)
        .until(() -> cluster.running().stream().allMatch(i -> satisfied(i, cids, min, dead)));
    // and the new allocations are really pinned in their IPFS nodes
    int via = cluster.running().get(0);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (Cid c : cids) {
                for (PeerId a :
                    cluster.peer(via).cluster().allocation(c).orElseThrow().allocations()) {
                  if (!dead.contains(a) && !cluster.kubo(cluster.indexOf(a)).isPinned(c)) {
                    return false;
                  }
                }
              }
              return true;
            });
  }

  int otherThan(Set<Integer> excluded) {
    return cluster.running().stream().filter(i -> !excluded.contains(i)).findFirst().orElseThrow();
  }

  @Test
  void allocationPrefersFreeSpaceAndTooFewPeersIsTheDocumentedError() throws Exception {
    start(fast("1s", false));
    cluster.kubo(3).setRepoStat(1_000, 1L << 40); // by far the most free space
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(0).cluster().latestMetrics("freespace").stream()
                    .anyMatch(m -> m.peer().equals(cluster.id(3)) && m.weight() > (1L << 39)));
    Cid c = pinMany(0, 1, 1, 1).get(0);
    assertThat(cluster.peer(0).cluster().allocation(c).orElseThrow().allocations())
        .containsExactly(cluster.id(3));

    assertThatThrownBy(
            () ->
                cluster
                    .peer(1)
                    .cluster()
                    .pin(Cids.random(), replication(6, 6))
                    .get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(NotEnoughPeersException.class)
        .hasMessageStartingWith(
            "not enough peers to allocate CID. Needed at least: 6. Wanted at most: 6."
                + " Available candidates: 5.");

    List<String> names = cluster.peer(2).cluster().metricNames();
    assertThat(names).contains("ping", "freespace", "tag:group");
    List<Metric> pings = cluster.peer(2).cluster().latestMetrics("ping");
    assertThat(pings).extracting(Metric::peer).containsExactlyInAnyOrder(ids(0, 1, 2, 3, 4));
  }

  PeerId[] ids(int... indexes) {
    PeerId[] out = new PeerId[indexes.length];
    for (int k = 0; k < indexes.length; k++) {
      out[k] = cluster.id(indexes[k]);
    }
    return out;
  }

  @Test
  void aFailedPeersPinsReachMinElsewhereAndPinsAtMinStay() throws Exception {
    start(fast("1s", false));
    List<Cid> below = pinMany(0, 15, 2, 2);
    List<Cid> atMin = pinMany(0, 10, 1, 3); // 3 allocations, min 1: one loss leaves 2
    Map<Cid, List<PeerId>> atMinBefore = allocations(0, atMin);
    int victim = otherThan(Set.of(0));
    PeerId dead = cluster.id(victim);
    cluster.stopPeer(victim);

    awaitRepinned(below, 2, Set.of(dead));
    int via = cluster.running().get(0);
    assertThat(allocations(via, atMin)).isEqualTo(atMinBefore);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(via).cluster().alerts().stream()
                    .anyMatch(a -> a.name().equals("ping") && a.peer().equals(dead)));
    // the REST endpoints show it: an alert for the dead peer, its ping gone from the metrics
    assertThat(get(cluster.restUrl(via) + "/health/alerts"))
        .contains("\"peer\":\"" + dead + "\"")
        .contains("\"name\":\"ping\"");
    await()
        .atMost(WAIT)
        .until(
            () -> !get(cluster.restUrl(via) + "/monitor/metrics/ping").contains(dead.toString()));
    assertThat(get(cluster.restUrl(via) + "/monitor/metrics/ping"))
        .contains(cluster.id(via).toString());
  }

  static String get(String url) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  @Test
  void theLeaderAndAnotherPeerFailingAtOnceStillEndsWithEveryPinAtMin() throws Exception {
    start(fast("1s", false));
    List<Cid> cids = pinMany(0, 20, 2, 3);
    int leader = cluster.leader().orElseThrow();
    int other = otherThan(Set.of(leader));
    Set<PeerId> dead = Set.of(cluster.id(leader), cluster.id(other));
    cluster.stopPeer(leader);
    cluster.stopPeer(other);

    awaitRepinned(cids, 2, dead);
  }

  @Test
  void withoutAMajorityNothingMovesAndTheFailuresAreAlerted() throws Exception {
    start(fast("500ms", false));
    List<Cid> cids = pinMany(0, 10, 2, 2);
    int survivor = cluster.running().get(0);
    List<PeerId> dead = new ArrayList<>();
    for (int i : List.copyOf(cluster.running())) {
      if (i != survivor && dead.size() < 3) {
        dead.add(cluster.id(i));
        cluster.stopPeer(i);
      }
    }

    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(survivor).cluster().alerts().stream()
                        .map(Alert::peer)
                        .distinct()
                        .filter(dead::contains)
                        .count()
                    == 3);
    // pins may have moved while a majority remained (peers stop one after the other); once it
    // is gone, nothing can be committed any more
    Map<Cid, List<PeerId>> before = allocations(survivor, cids);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .until(() -> allocations(survivor, cids).equals(before));
  }

  @Test
  void withRepinningDisabledNothingMovesButTheAlertIsVisible() throws Exception {
    start(fast("500ms", true));
    List<Cid> cids = pinMany(0, 10, 2, 2);
    Map<Cid, List<PeerId>> before = allocations(0, cids);
    int victim = otherThan(Set.of(0));
    PeerId dead = cluster.id(victim);
    cluster.stopPeer(victim);

    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(0).cluster().alerts().stream()
                    .map(Alert::peer)
                    .anyMatch(dead::equals));
    // several checks and grace periods later, still nothing moved
    await()
        .during(Duration.ofSeconds(3))
        .atMost(WAIT)
        .until(() -> allocations(0, cids).equals(before));
  }

  @Test
  void aPeerBackWithinTheGracePeriodCausesNoMovement() throws Exception {
    start(fast("20s", false));
    List<Cid> cids = pinMany(0, 10, 2, 2);
    Map<Cid, List<PeerId>> before = allocations(0, cids);
    int victim = otherThan(Set.of(0));
    PeerId back = cluster.id(victim);
    cluster.stopPeer(victim);
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster.peer(0).cluster().alerts().stream()
                    .map(Alert::peer)
                    .anyMatch(back::equals));
    cluster.startPeer(victim);
    awaitAllHealthyEverywhere();

    assertThat(allocations(0, cids)).isEqualTo(before);
  }

  @Test
  void removingAPeerReallocatesItsPinsFirst() throws Exception {
    start(fast("1m", false));
    List<Cid> cids = pinMany(0, 15, 2, 2);
    int victim = otherThan(Set.of(0));
    PeerId removed = cluster.id(victim);

    cluster.peer(0).cluster().peerRemove(removed).get(30, TimeUnit.SECONDS);

    for (Cid c : cids) {
      List<PeerId> now = cluster.peer(0).cluster().allocation(c).orElseThrow().allocations();
      assertThat(now).hasSize(2).doesNotContain(removed);
    }
  }
}

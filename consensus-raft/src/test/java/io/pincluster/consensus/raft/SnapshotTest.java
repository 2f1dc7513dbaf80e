package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.Pin;
import io.pincluster.state.rocksdb.StateOp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots on real Ratis peers: taking, retention, restart, and catch-up by install. */
class SnapshotTest {
  static final Duration WAIT = Duration.ofSeconds(60);

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

  static List<String> snapshotFolders(Path groupFolder) throws Exception {
    try (Stream<Path> s = Files.list(groupFolder.resolve("sm"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static List<Pin> all(RaftConsensus node) {
    try (CloseableIterator<Pin> it = node.state().list()) {
      List<Pin> out = new ArrayList<>();
      it.forEachRemaining(out::add);
      return out;
    }
  }

  @Test
  void snapshotsAreTakenOnThresholdOnTheIntervalAndOnDemandAndOnlyTwoAreKept() throws Exception {
    cluster =
        LocalRaftCluster.start(
            tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(10), 0, Duration.ofMillis(300), 5));
    Path leftover = cluster.groupFolder(0).resolve("tmp").resolve("snapshot-aborted");
    cluster.stop(0);
    Files.createDirectories(leftover);
    Files.writeString(leftover.resolve("000001.sst"), "partial");
    RaftConsensus node = cluster.restart(0);
    assertThat(leftover).doesNotExist();
    cluster.awaitLeader();

    for (int i = 0; i < 6; i++) { // more entries than snapshot_threshold (5)
      join(node.commitPin(pin(i)));
    }
    await()
        .atMost(WAIT)
        .until(() -> node.latestSnapshotIndex().orElse(-1L) >= node.appliedIndex() - 1);
    join(node.commitPin(pin(100))); // one more: the interval timer snapshots it
    long applied = node.appliedIndex();
    await().atMost(WAIT).until(() -> node.latestSnapshotIndex().orElse(-1L) >= applied);

    join(node.commitPin(pin(101)));
    long onDemand = join(node.snapshot());

    assertThat(onDemand).isEqualTo(node.appliedIndex());
    assertThat(join(node.snapshot())).isEqualTo(onDemand); // nothing new: same snapshot
    await().atMost(WAIT).until(() -> snapshotFolders(cluster.groupFolder(0)).size() == 2);
    assertThat(snapshotFolders(cluster.groupFolder(0))).last().asString().endsWith("_" + onDemand);
  }

  @Test
  void aRestartFromASnapshotAndTheLogLosesNothingAndKeepsTheAppliedPosition() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(Duration.ofSeconds(10)));
    cluster.awaitLeader();
    RaftConsensus node = cluster.node(0);
    for (int i = 0; i < 10; i++) {
      join(node.commitPin(pin(i)));
    }
    long first = join(node.snapshot());
    Path olderDb = tmp.resolve("db-at-first-snapshot");
    node.store().checkpoint(olderDb);
    for (int i = 10; i < 20; i++) {
      join(node.commitPin(pin(i)));
    }
    join(node.commitUnpin(cid(0)));
    List<Pin> expected = all(node);
    long applied = node.store().appliedIndex();
    cluster.stop(0); // takes a last snapshot

    // As if the last writes to the DB and the last snapshot were lost: DB and snapshot at
    // `first`, everything after it only in the Raft log.
    Path db = cluster.settings(0).dbFolder();
    deleteTree(db);
    Files.move(olderDb, db);
    for (String f : snapshotFolders(cluster.groupFolder(0))) {
      if (!f.endsWith("_" + first)) {
        deleteTree(cluster.groupFolder(0).resolve("sm").resolve(f));
      }
    }
    RaftConsensus restarted = cluster.restart(0);

    await().atMost(WAIT).until(() -> restarted.store().appliedIndex() >= applied);
    await().atMost(WAIT).until(() -> all(restarted).equals(expected));
    assertThat(restarted.state().estimatedCount()).isEqualTo(19);
    cluster.stop(0);

    // A clean restart: the DB is ahead of or at the last snapshot and is kept as it is.
    RaftConsensus again = cluster.restart(0);
    assertThat(all(again)).isEqualTo(expected);
    assertThat(again.store().appliedIndex()).isGreaterThanOrEqualTo(applied);
    cluster.awaitLeader();
    join(again.commitPin(pin(50)));
    assertThat(again.state().estimatedCount()).isEqualTo(20);
  }

  @Test
  void aFollowerWhoseLogWasPurgedCatchesUpByInstallingASnapshotOf100kPins() throws Exception {
    cluster =
        LocalRaftCluster.start(
            tmp,
            3,
            LocalRaftCluster.config(Duration.ofSeconds(20), 0, Duration.ofHours(1), 100000));
    int leader = cluster.awaitLeader();
    int lagging = cluster.follower(leader);
    RaftConsensus leaderNode = cluster.node(leader);
    join(leaderNode.commitPin(pin(-1)));
    await().atMost(WAIT).until(() -> cluster.node(lagging).state().estimatedCount() == 1);
    cluster.stop(lagging);

    loadPins(leaderNode, 100_000, 1000);
    join(leaderNode.snapshot());
    await().atMost(WAIT).until(() -> leaderNode.logStartIndex() > 10); // the log before is purged
    RaftConsensus restarted = cluster.restart(lagging);

    await()
        .atMost(WAIT)
        .until(() -> restarted.state().estimatedCount() == leaderNode.state().estimatedCount());
    assertThat(restarted.state().estimatedCount()).isEqualTo(100_001);
    assertThat(restarted.latestSnapshotIndex()).isPresent(); // it holds the leader's snapshot
    assertSameContent(leaderNode, restarted);
    join(restarted.commitPin(pin(200_000))); // and it takes part in writes again
    assertThat(restarted.state().get(cid(200_000))).isPresent();
  }

  /** Commits {@code n} pins, {@code perEntry} per Raft entry, four entries in flight. */
  static void loadPins(RaftConsensus node, int n, int perEntry) throws Exception {
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (int start = 0; start < n; start += perEntry) {
      List<StateOp> ops = new ArrayList<>(perEntry);
      for (int i = start; i < Math.min(n, start + perEntry); i++) {
        ops.add(new StateOp.PutPin(pin(i)));
      }
      inFlight.add(node.commit(ops));
      if (inFlight.size() >= 4) {
        join(inFlight.remove(0));
      }
    }
    for (CompletableFuture<?> f : inFlight) {
      join(f);
    }
  }

  static void assertSameContent(RaftConsensus a, RaftConsensus b) {
    try (CloseableIterator<Pin> x = a.state().list();
        CloseableIterator<Pin> y = b.state().list()) {
      long n = 0;
      while (x.hasNext()) {
        assertThat(y.hasNext()).isTrue();
        assertThat(y.next()).isEqualTo(x.next());
        n++;
      }
      assertThat(y.hasNext()).isFalse();
      assertThat(n).isEqualTo(a.state().estimatedCount());
    }
  }

  static void deleteTree(Path p) throws Exception {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}

package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RaftConsensus#status()} on a real one-peer Ratis group. */
class RaftStatusTest {
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

  @Test
  void aPeerReportsItsTermIndexesAndLatestSnapshotAlsoAfterARestart() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 1, LocalRaftCluster.config(WAIT));
    RaftConsensus node = cluster.node(cluster.awaitLeader());
    RaftStatus before = node.status();
    assertThat(before.leader()).isTrue();
    assertThat(before.term()).isPositive();
    assertThat(before.latestSnapshotIndex()).isEqualTo(-1);
    assertThat(before.latestSnapshotTime()).isEmpty();

    for (int i = 0; i < 3; i++) {
      join(node.commitPin(pin(i)));
    }
    await().atMost(WAIT).until(() -> node.status().applyLag() == 0);
    RaftStatus after = node.status();
    assertThat(after.commitIndex()).isGreaterThanOrEqualTo(before.commitIndex() + 3);
    assertThat(after.appliedIndex()).isEqualTo(after.commitIndex());

    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS); // file times may be coarse
    long snapshot = join(node.snapshot());
    RaftStatus snapped = node.status();
    assertThat(snapped.latestSnapshotIndex()).isEqualTo(snapshot).isPositive();
    Instant taken = snapped.latestSnapshotTime().orElseThrow();
    assertThat(taken).isBetween(start, Instant.now());

    cluster.stop(0);
    assertThat(node.status().leader()).as("closed").isFalse();
    RaftStatus restarted = cluster.restart(0).status();
    assertThat(restarted.latestSnapshotIndex()).isEqualTo(snapshot);
    assertThat(restarted.latestSnapshotTime()).contains(taken);
  }

  @Test
  void theApplyLagIsNeverNegativeAndZeroWithoutACommitIndex() {
    assertThat(new RaftStatus(false, 3, 10, 12, -1, null).applyLag()).isZero();
    assertThat(new RaftStatus(false, 3, -1, 5, -1, null).applyLag()).isZero();
    assertThat(new RaftStatus(true, 3, 12, 10, -1, null).applyLag()).isEqualTo(2);
  }
}

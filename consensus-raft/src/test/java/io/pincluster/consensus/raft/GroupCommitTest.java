package io.pincluster.consensus.raft;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.Pin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group commit on real Ratis peers. */
class GroupCommitTest {
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  LocalRaftCluster cluster;
  ExecutorService submitters = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    submitters.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Submits pins {@code from..to-1} from 8 threads at once; the futures in pin order. */
  List<CompletableFuture<Pin>> submitConcurrently(RaftConsensus node, int from, int to)
      throws Exception {
    List<Future<List<CompletableFuture<Pin>>>> parts = new ArrayList<>();
    int threads = 8;
    int per = (to - from + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      int start = from + t * per;
      int end = Math.min(to, start + per);
      parts.add(
          submitters.submit(
              () -> {
                List<CompletableFuture<Pin>> fs = new ArrayList<>();
                for (int i = start; i < end; i++) {
                  fs.add(node.commitPin(pin(i)));
                }
                return fs;
              }));
    }
    List<CompletableFuture<Pin>> all = new ArrayList<>();
    for (Future<List<CompletableFuture<Pin>>> p : parts) {
      all.addAll(p.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }
    return all;
  }

  @Test
  void twentyThousandConcurrentPinsOnAFollowerAllCommitInFarFewerRaftEntries() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(20)));
    int leader = cluster.awaitLeader();
    RaftConsensus follower = cluster.node(cluster.follower(leader));
    long entriesBefore = follower.entriesSent();

    List<CompletableFuture<Pin>> futures = submitConcurrently(follower, 0, 20_000);
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);

    for (int i = 0; i < futures.size(); i++) {
      assertThat(futures.get(i).join()).isEqualTo(pin(i));
    }
    assertThat(follower.state().estimatedCount()).isEqualTo(20_000); // applied here already
    long entries = follower.entriesSent() - entriesBefore;
    assertThat(entries).isBetween(20L, 2_000L); // 1000 per entry at most, far fewer than 20k
    RaftConsensus leaderNode = cluster.node(leader);
    await().atMost(WAIT).until(() -> leaderNode.state().estimatedCount() == 20_000);
  }

  @Test
  void killingTheLeaderDuringABatchedIngestLosesNoAcknowledgedPin() throws Exception {
    cluster = LocalRaftCluster.start(tmp, 3, LocalRaftCluster.config(Duration.ofSeconds(20)));
    int leader = cluster.awaitLeader();
    int f = cluster.follower(leader);
    RaftConsensus follower = cluster.node(f);

    List<CompletableFuture<Pin>> futures = submitConcurrently(follower, 0, 10_000);
    await()
        .atMost(WAIT)
        .until(() -> futures.stream().filter(CompletableFuture::isDone).count() > 100);
    cluster.stop(leader);
    List<CompletableFuture<Pin>> more = submitConcurrently(follower, 10_000, 12_000);
    List<CompletableFuture<Pin>> all = new ArrayList<>(futures);
    all.addAll(more);
    await().atMost(WAIT).until(() -> all.stream().allMatch(CompletableFuture::isDone));

    List<Integer> acked = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      if (!all.get(i).isCompletedExceptionally()) {
        acked.add(i);
      }
    }
    assertThat(acked.size()).isGreaterThan(100);
    cluster.awaitLeader();
    for (int i : cluster.running()) {
      RaftConsensus node = cluster.node(i);
      await().atMost(WAIT).until(() -> node.state().estimatedCount() >= acked.size());
      for (int n : acked) {
        assertThat(node.state().get(cid(n))).as("acked pin %d on peer %d", n, i).contains(pin(n));
      }
    }
  }
}

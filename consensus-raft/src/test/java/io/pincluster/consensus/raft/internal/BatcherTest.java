package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.ClusterException;
import io.pincluster.state.rocksdb.OpResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher thread with a fake sender (entries complete when the test says) and fake clock. */
class BatcherTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  final AtomicLong clock = new AtomicLong();
  final List<List<byte[]>> sent = new CopyOnWriteArrayList<>();
  final List<CompletableFuture<List<OpResult>>> replies = new CopyOnWriteArrayList<>();
  Batcher batcher;

  Batcher start(int maxPending) {
    batcher =
        new Batcher(
            "test-batcher",
            ops -> {
              CompletableFuture<List<OpResult>> f = new CompletableFuture<>();
              sent.add(ops);
              replies.add(f);
              return f;
            },
            new Batcher.Limits(3, 1 << 20, 2, maxPending, Duration.ofMillis(50)),
            clock::get);
    return batcher;
  }

  @AfterEach
  void close() {
    if (batcher != null) {
      batcher.close();
    }
  }

  static byte[] op(int n) {
    return new byte[] {(byte) n};
  }

  static List<OpResult> results(int n, String tag) {
    List<OpResult> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(OpResult.invalid(tag + i)); // any distinct per-op result
    }
    return out;
  }

  @Test
  void aLoneWriteIsSentAtOnceAndGetsItsOwnResult() throws Exception {
    start(100);

    CompletableFuture<OpResult> f = batcher.submit(List.of(op(1))).get(0);

    await().atMost(WAIT).until(() -> sent.size() == 1);
    replies.get(0).complete(results(1, "r"));
    assertThat(f.get().error()).isEqualTo("r0");
  }

  @Test
  void writesArrivingUnderLoadShareEntriesAndEachCallerGetsItsOwnResult() throws Exception {
    start(100);
    CompletableFuture<OpResult> first = batcher.submit(List.of(op(0))).get(0);
    await().atMost(WAIT).until(() -> sent.size() == 1);

    List<CompletableFuture<OpResult>> waiting = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      waiting.add(batcher.submit(List.of(op(i))).get(0));
    }
    await().atMost(WAIT).until(() -> batcher.pending() == 2); // one full entry (3) went out
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).extracting(b -> (int) b[0]).containsExactly(1, 2, 3);

    replies.get(0).complete(results(1, "a")); // a slot frees: the two waiting go out
    await().atMost(WAIT).until(() -> sent.size() == 3);
    assertThat(sent.get(2)).extracting(b -> (int) b[0]).containsExactly(4, 5);
    replies.get(1).complete(results(3, "b"));
    replies.get(2).complete(results(2, "c"));

    assertThat(first.get().error()).isEqualTo("a0");
    assertThat(waiting)
        .extracting(f -> f.join().error())
        .containsExactly("b0", "b1", "b2", "c0", "c1");
    assertThat(batcher.entriesSent()).isEqualTo(3);
  }

  @Test
  void aWaitingWriteGoesOutWhenTheLingerExpires() {
    start(100);
    batcher.submit(List.of(op(0)));
    await().atMost(WAIT).until(() -> sent.size() == 1);
    batcher.submit(List.of(op(1)));
    clock.addAndGet(Duration.ofMillis(49).toNanos());
    batcher.wakeUp();
    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> sent.size() == 1);

    clock.addAndGet(Duration.ofMillis(1).toNanos());
    batcher.wakeUp();

    await().atMost(WAIT).until(() -> sent.size() == 2);
  }

  @Test
  void whenThePendingQueueIsFullNewWritesFailAtOnce() {
    start(4);
    batcher.submit(List.of(op(0)));
    await().atMost(WAIT).until(() -> sent.size() == 1);
    batcher.submit(List.of(op(1), op(2)));
    batcher.submit(List.of(op(3)));
    // entries in flight: 1 of 2; 3 waiting (a full entry goes out at once) ...
    await().atMost(WAIT).until(() -> sent.size() == 2 && batcher.pending() == 0);
    batcher.submit(List.of(op(4), op(5), op(6), op(7))); // 4 waiting: both slots are taken

    List<CompletableFuture<OpResult>> refused = batcher.submit(List.of(op(8)));

    assertThat(refused.get(0))
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ClusterException.class)
        .withMessageContaining("too many pending writes");
    assertThat(batcher.pending()).isEqualTo(4);
  }

  @Test
  void aFailedEntryFailsEveryWriteInItAndCloseFailsWhatWaits() {
    start(100);
    CompletableFuture<OpResult> a = batcher.submit(List.of(op(0))).get(0);
    await().atMost(WAIT).until(() -> sent.size() == 1);
    CompletableFuture<OpResult> b = batcher.submit(List.of(op(1))).get(0);

    replies.get(0).completeExceptionally(new ClusterException("no leader"));
    assertThat(a).failsWithin(WAIT);
    await().atMost(WAIT).until(() -> sent.size() == 2);
    CompletableFuture<OpResult> c = batcher.submit(List.of(op(2))).get(0);
    batcher.close();

    assertThat(c)
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("nothing was written");
    assertThat(b).isNotDone(); // in flight: completes through the sender
    assertThat(batcher.submit(List.of(op(3))).get(0)).isCompletedExceptionally();
  }
}

package io.pincluster.consensus.raft.internal;

import io.pincluster.core.ClusterException;
import io.pincluster.state.rocksdb.OpResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: coalesces the writes submitted concurrently on a peer into few Raft entries.
 *
 * <p>Callers {@link #submit} encoded operations ({@link EntryCodec#encodeOp}) and get one future
 * per operation. One dedicated thread (named by the constructor) moves them into a {@link
 * BatchPolicy}, cuts entries as the policy says and hands each to the {@link Sender}; when an
 * entry's results come back, each operation's future is completed with its own result, on the
 * thread that completed the entry. Entries are sent in submission order, and the writes of one
 * {@code submit} call are queued contiguously (they may still span entries).
 *
 * <p>Bounded: at most {@link Limits#maxPending()} writes wait to be sent; beyond that {@code
 * submit} fails at once with a "too many pending writes" {@link ClusterException}, whole calls at a
 * time. Thread-safe. {@link #close()} fails what was not sent; what is in flight completes through
 * the sender.
 */
public final class Batcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
  private static final long IDLE_PARK_NANOS = Duration.ofMillis(100).toNanos();
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /** Sends one entry of encoded operations; completes with one result per operation, in order. */
  public interface Sender {
    CompletableFuture<List<OpResult>> send(List<byte[]> ops);
  }

  /**
   * @param maxOps operations per entry
   * @param maxBytes encoded bytes per entry
   * @param maxInFlight entries sent and not yet completed
   * @param maxPending operations waiting to be sent
   * @param linger the longest a write waits for an entry while others are in flight
   */
  public record Limits(
      int maxOps, long maxBytes, int maxInFlight, int maxPending, Duration linger) {
    public Limits {
      if (maxPending < maxOps) {
        throw new IllegalArgumentException(
            "maxPending (" + maxPending + ") must be >= maxOps (" + maxOps + ")");
      }
    }
  }

  private static final class Write {
    final byte[] op;
    final long submittedNanos;
    final CompletableFuture<OpResult> result = new CompletableFuture<>();

    Write(byte[] op, long submittedNanos) {
      this.op = op;
      this.submittedNanos = submittedNanos;
    }
  }

  private final Sender sender;
  private final Limits limits;
  private final LongSupplier nanoTime;
  private final BatchPolicy<Write> policy; // owned by thread
  private final ConcurrentLinkedQueue<Write> incoming = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger completions = new AtomicInteger();
  private final AtomicLong entries = new AtomicLong();
  private final Object submitLock = new Object();
  private final Thread thread;
  private volatile boolean closed;

  /**
   * Starts the batcher thread.
   *
   * @param nanoTime a monotonic clock (for the linger deadline)
   */
  public Batcher(String threadName, Sender sender, Limits limits, LongSupplier nanoTime) {
    this.sender = sender;
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.policy =
        new BatchPolicy<>(
            limits.maxOps(), limits.maxBytes(), limits.maxInFlight(), limits.linger().toNanos());
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues encoded operations; one future per operation, in order. Never blocks. When fewer than
   * {@code ops.size()} places are left in the queue, or after close, every future fails at once.
   */
  public List<CompletableFuture<OpResult>> submit(List<byte[]> ops) {
    List<Write> writes = new ArrayList<>(ops.size());
    long now = nanoTime.getAsLong();
    ops.forEach(op -> writes.add(new Write(op, now)));
    ClusterException refused = null;
    synchronized (submitLock) {
      if (closed) {
        refused = new ClusterException("raft consensus is closed");
      } else if (pending.get() + writes.size() > limits.maxPending()) {
        refused =
            new ClusterException(
                "too many pending writes: "
                    + pending.get()
                    + " are waiting to be committed on this peer (at most "
                    + limits.maxPending()
                    + "); retry later");
      } else {
        pending.addAndGet(writes.size());
        incoming.addAll(writes);
      }
    }
    if (refused != null) {
      for (Write w : writes) {
        w.result.completeExceptionally(refused);
      }
    } else {
      LockSupport.unpark(thread);
    }
    List<CompletableFuture<OpResult>> out = new ArrayList<>(writes.size());
    writes.forEach(w -> out.add(w.result));
    return out;
  }

  /** Raft entries sent so far. */
  public long entriesSent() {
    return entries.get();
  }

  /** Writes accepted and not yet sent. */
  public int pending() {
    return pending.get();
  }

  /** Wakes the thread to re-check the clock (for tests with a fake clock). */
  void wakeUp() {
    LockSupport.unpark(thread);
  }

  private void run() {
    while (!closed) {
      long now = nanoTime.getAsLong();
      for (Write w; (w = incoming.poll()) != null; ) {
        policy.add(w, w.op.length, w.submittedNanos);
      }
      for (int c = completions.getAndSet(0); c > 0; c--) {
        policy.completed();
      }
      for (List<Write> batch; (batch = policy.poll(now)) != null; ) {
        send(batch);
      }
      long deadline = policy.nextDeadline();
      long park = deadline == Long.MAX_VALUE ? IDLE_PARK_NANOS : deadline - now;
      if (incoming.isEmpty() && completions.get() == 0) {
        LockSupport.parkNanos(this, Math.max(1, Math.min(park, IDLE_PARK_NANOS)));
      }
    }
    failAll(policy.drain());
  }

  private void send(List<Write> batch) {
    pending.addAndGet(-batch.size());
    entries.incrementAndGet();
    List<byte[]> ops = new ArrayList<>(batch.size());
    batch.forEach(w -> ops.add(w.op));
    CompletableFuture<List<OpResult>> sent;
    try {
      sent = sender.send(ops);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (results, err) -> {
          try {
            complete(batch, results, err);
          } finally {
            completions.incrementAndGet();
            LockSupport.unpark(thread);
          }
        });
  }

  private static void complete(List<Write> batch, List<OpResult> results, Throwable err) {
    Throwable e =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (e == null && (results == null || results.size() != batch.size())) {
      e =
          new ClusterException(
              "Raft entry of "
                  + batch.size()
                  + " writes got "
                  + (results == null ? "no" : results.size())
                  + " results");
    }
    for (int i = 0; i < batch.size(); i++) {
      if (e != null) {
        batch.get(i).result.completeExceptionally(e);
      } else {
        batch.get(i).result.complete(results.get(i));
      }
    }
  }

  private void failAll(List<Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    pending.addAndGet(-writes.size());
    ClusterException closedError =
        new ClusterException(
            "raft consensus closed before the write was sent; nothing was written");
    writes.forEach(w -> w.result.completeExceptionally(closedError));
  }

  /**
   * Stops the thread (bounded wait) and fails every write not yet sent; writes in flight complete
   * through the sender. Idempotent.
   */
  @Override
  public void close() {
    synchronized (submitLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    LockSupport.unpark(thread);
    try {
      thread.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("{} did not stop within {}", thread.getName(), CLOSE_TIMEOUT);
    }
    List<Write> left = new ArrayList<>();
    for (Write w; (w = incoming.poll()) != null; ) {
      left.add(w);
    }
    failAll(left);
  }
}

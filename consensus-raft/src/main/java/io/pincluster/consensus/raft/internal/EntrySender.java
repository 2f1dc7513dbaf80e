package io.pincluster.consensus.raft.internal;

import io.pincluster.core.ClusterException;
import io.pincluster.core.IndeterminateCommitException;
import io.pincluster.core.config.GoDuration;
import io.pincluster.state.rocksdb.OpResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Sends one Raft entry of encoded operations through the (replaceable) Ratis client and completes
 * with one result per operation once the entry is applied on this peer too (read-your-writes). The
 * {@link Batcher.Sender} behind group commit.
 *
 * <p>Failures: {@link io.pincluster.core.NoLeaderException} when no leader took the entry within
 * {@code waitForLeader}; {@link IndeterminateCommitException} when an attempt timed out or lost its
 * connection after sending, when the entry was committed but not applied here within {@code
 * applyWait}, or when this peer closed meanwhile. Thread-safe; never blocks (except while the Ratis
 * client holds {@value RaftProps#OUTSTANDING_REQUESTS_MAX} requests).
 */
public final class EntrySender implements Batcher.Sender {
  private final ReplaceableClient clients;
  private final CommitRetryPolicy retryPolicy;
  private final AppliedIndexWaiters waiters;
  private final Duration waitForLeader;
  private final Duration applyWait;
  private final BooleanSupplier closed;
  private final AtomicLong requestIds =
      new AtomicLong(ThreadLocalRandom.current().nextLong() >>> 1);

  public EntrySender(
      ReplaceableClient clients,
      CommitRetryPolicy retryPolicy,
      AppliedIndexWaiters waiters,
      Duration waitForLeader,
      Duration applyWait,
      BooleanSupplier closed) {
    this.clients = clients;
    this.retryPolicy = retryPolicy;
    this.waiters = waiters;
    this.waitForLeader = waitForLeader;
    this.applyWait = applyWait;
    this.closed = closed;
  }

  @Override
  public CompletableFuture<List<OpResult>> send(List<byte[]> ops) {
    long id = requestIds.incrementAndGet();
    byte[] entry = EntryCodec.encodeFrames(id, ops);
    ReplaceableClient.Lease lease;
    try {
      lease = clients.acquire();
    } catch (IllegalStateException e) {
      return CompletableFuture.failedFuture(new ClusterException("raft consensus is closed"));
    }
    CommitRetryPolicy.Tracked tracked = retryPolicy.track(id);
    CompletableFuture<RaftClientReply> sent;
    try {
      // entry is not touched after this: Ratis may share it instead of copying it
      sent = lease.client().async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(entry)));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<List<OpResult>> result =
        sent.handle(
                (reply, err) -> {
                  retryPolicy.untrack(id);
                  lease.release(err != null);
                  return onReply(ops.size(), tracked, reply, err);
                })
            .thenCompose(f -> f);
    return withDeadline(result, lease);
  }

  /**
   * The longest a write may take before it is answered as indeterminate: waiting for a leader and
   * every attempt the retry policy allows timing out ({@code wait_for_leader + (commit_retries + 1)
   * x network_timeout}); a write that commits later is still applied, the caller was told it may
   * have been. A backstop: Ratis' own retries normally end a write sooner, but a request that is
   * neither answered nor failed (a silent partition) must not hold the caller — and every write
   * queued behind it on the same client — until the network heals.
   */
  Duration deadline() {
    return waitForLeader.plus(applyWait.multipliedBy(retryPolicy.commitRetries() + 1L));
  }

  private CompletableFuture<List<OpResult>> withDeadline(
      CompletableFuture<List<OpResult>> result, ReplaceableClient.Lease lease) {
    CompletableFuture<List<OpResult>> out = new CompletableFuture<>();
    result.whenComplete(
        (v, e) -> {
          if (e != null) {
            out.completeExceptionally(
                e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
          } else {
            out.complete(v);
          }
        });
    Duration d = deadline();
    CompletableFuture.delayedExecutor(d.toMillis(), TimeUnit.MILLISECONDS, Runnable::run)
        .execute(
            () -> {
              if (!out.isDone()
                  && out.completeExceptionally(
                      new IndeterminateCommitException(
                          "no answer to the write within "
                              + GoDuration.format(d)
                              + " (is this peer cut off from the leader?); it may or may not"
                              + " have been committed",
                          null))) {
                lease.retire();
              }
            });
    return out;
  }

  private CompletableFuture<List<OpResult>> onReply(
      int size, CommitRetryPolicy.Tracked tracked, RaftClientReply reply, Throwable err) {
    if (err == null && !reply.isSuccess()) {
      err = reply.getException() != null ? reply.getException() : new IOException("write failed");
    }
    if (err != null && closed.getAsBoolean()) {
      return CompletableFuture.failedFuture(
          new IndeterminateCommitException(
              "raft consensus closed while the write was in flight; it may have been committed",
              err));
    }
    if (err != null) {
      return CompletableFuture.failedFuture(
          Failures.toClusterException(err, tracked.possiblyAccepted(), waitForLeader));
    }
    List<OpResult> results;
    try {
      results = EntryCodec.decodeResults(reply.getMessage().getContent().toByteArray());
    } catch (EntryCodec.MalformedException e) {
      return CompletableFuture.failedFuture(
          new ClusterException("unreadable reply to a Raft write: " + e.getMessage()));
    }
    if (results.size() != size) {
      return CompletableFuture.failedFuture(
          new ClusterException(
              "Raft write rejected: "
                  + (results.isEmpty() ? "no results" : results.get(0).error())));
    }
    long index = reply.getLogIndex();
    return waiters
        .await(index, applyWait)
        .handle(
            (v, e) -> {
              if (e != null) {
                throw new IndeterminateCommitException(notAppliedMessage(index, e), e);
              }
              return results;
            });
  }

  private String notAppliedMessage(long index, Throwable e) {
    return e instanceof TimeoutException
        ? "the write was committed at index "
            + index
            + " but not applied on this peer within "
            + GoDuration.format(applyWait)
        : "the write was committed at index " + index + " but this peer is shutting down";
  }
}

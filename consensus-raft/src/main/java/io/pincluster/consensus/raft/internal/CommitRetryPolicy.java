package io.pincluster.consensus.raft.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * The Raft client's retry policy for writes: bounded in time and in ambiguous attempts, never
 * forever. It also remembers, per write, whether any attempt may have reached a leader, which
 * decides between "no leader" and "indeterminate" when the write finally fails.
 *
 * <ul>
 *   <li>While no leader takes the write (not-leader replies, connection refused, server not ready)
 *       it retries every {@code leaderPoll} until {@code waitForLeader} has passed since the write
 *       was {@linkplain #track tracked}.
 *   <li>An attempt that was not even sent because the client's stream to that server had been
 *       closed (Ratis closes it after a not-leader or leader-not-ready reply, then picks another
 *       server for the next attempt) is retried at once, at most {@value #MAX_IMMEDIATE_RETRIES}
 *       times per write; pausing would only delay the reconnect. During a failover this happens
 *       right after the new leader answers "not ready yet".
 *   <li>An ambiguous failure (a request timeout, a connection broken after sending) marks the write
 *       {@linkplain Tracked#possiblyAccepted() possibly accepted}; it is retried at most {@code
 *       commitRetries} times, after {@code commitRetryDelay}. Ratis reuses the call ID on retries,
 *       so the leader's retry cache turns a duplicate into the original reply.
 * </ul>
 *
 * Writes are recognised by the request ID in their entry header ({@link EntryCodec}). Thread-safe.
 */
public final class CommitRetryPolicy implements RetryPolicy {
  private final Duration waitForLeader;
  private final TimeDuration leaderPoll;
  private final int commitRetries;
  private final TimeDuration commitRetryDelay;
  private final LongSupplier nanoTime;
  private final Map<Long, Tracked> tracked = new ConcurrentHashMap<>();

  /** When each retried request that is not one of our writes first failed (by call ID). */
  private final Map<Long, Long> untrackedSince = new HashMap<>(); // guarded by itself

  private static final int MAX_UNTRACKED = 1024;

  /** Attempts per write retried without a pause after failing on a closed stream. */
  static final int MAX_IMMEDIATE_RETRIES = 3;

  /** Retry bookkeeping of one write. */
  public static final class Tracked {
    private final long startNanos;
    private final AtomicInteger ambiguous = new AtomicInteger();
    private final AtomicInteger immediate = new AtomicInteger();

    Tracked(long startNanos) {
      this.startNanos = startNanos;
    }

    /** True when some attempt may have been appended by a leader. */
    public boolean possiblyAccepted() {
      return ambiguous.get() > 0;
    }
  }

  public CommitRetryPolicy(
      Duration waitForLeader,
      Duration leaderPoll,
      int commitRetries,
      Duration commitRetryDelay,
      LongSupplier nanoTime) {
    this.waitForLeader = waitForLeader;
    this.leaderPoll = TimeDuration.valueOf(leaderPoll.toMillis(), TimeUnit.MILLISECONDS);
    this.commitRetries = commitRetries;
    this.commitRetryDelay =
        TimeDuration.valueOf(commitRetryDelay.toMillis(), TimeUnit.MILLISECONDS);
    this.nanoTime = nanoTime;
  }

  /** How many ambiguous failures of one write are retried. */
  public int commitRetries() {
    return commitRetries;
  }

  /** Starts the clock of write {@code requestId}; call {@link #untrack} when it completes. */
  public Tracked track(long requestId) {
    Tracked t = new Tracked(nanoTime.getAsLong());
    tracked.put(requestId, t);
    return t;
  }

  public void untrack(long requestId) {
    tracked.remove(requestId);
  }

  @Override
  public Action handleAttemptFailure(Event event) {
    Tracked t = event instanceof ClientRetryEvent ce ? find(ce.getRequest()) : null;
    if (t == null) {
      // Not one of our writes: e.g. the watch a fresh client sends first, which every write
      // behind it waits for. Retried as long as a write would wait for a leader, counted in time
      // (an attempt that times out costs a whole request timeout, so a count alone could keep the
      // writes behind it waiting many times longer) and in attempts.
      return untrackedMayRetry(event) ? () -> leaderPoll : NO_RETRY_ACTION;
    }
    Throwable cause = event.getCause();
    if (Failures.isAmbiguous(cause) && t.ambiguous.incrementAndGet() > commitRetries) {
      return NO_RETRY_ACTION;
    }
    if (nanoTime.getAsLong() - t.startNanos >= waitForLeader.toNanos()) {
      return NO_RETRY_ACTION;
    }
    if (Failures.isClosedStream(cause) && t.immediate.incrementAndGet() <= MAX_IMMEDIATE_RETRIES) {
      return () -> TimeDuration.ZERO;
    }
    TimeDuration sleep = Failures.isAmbiguous(cause) ? commitRetryDelay : leaderPoll;
    return () -> sleep;
  }

  private boolean untrackedMayRetry(Event event) {
    long now = nanoTime.getAsLong();
    RaftClientRequest request = event instanceof ClientRetryEvent ce ? ce.getRequest() : null;
    long callId = request == null ? -1 : request.getCallId();
    Long first;
    synchronized (untrackedSince) {
      untrackedSince.entrySet().removeIf(e -> now - e.getValue() > 2 * waitForLeader.toNanos());
      first =
          untrackedSince.size() < MAX_UNTRACKED ? untrackedSince.putIfAbsent(callId, now) : null;
    }
    boolean inTime = first == null || now - first < waitForLeader.toNanos();
    if (!inTime || event.getAttemptCount() >= untrackedAttempts()) {
      synchronized (untrackedSince) {
        untrackedSince.remove(callId);
      }
      return false;
    }
    return true;
  }

  private int untrackedAttempts() {
    long polls = waitForLeader.toMillis() / Math.max(1, leaderPoll.toLong(TimeUnit.MILLISECONDS));
    return (int) Math.max(10, Math.min(polls + 1, 100_000));
  }

  private Tracked find(RaftClientRequest request) {
    if (request == null || request.getMessage() == null) {
      return null;
    }
    ByteString content = request.getMessage().getContent();
    if (content.size() < 9) {
      return null;
    }
    return tracked.get(EntryCodec.requestId(content.substring(0, 9).toByteArray()));
  }

  @Override
  public String toString() {
    return "CommitRetryPolicy(wait_for_leader="
        + waitForLeader
        + ", poll="
        + leaderPoll
        + ", commit_retries="
        + commitRetries
        + ", commit_retry_delay="
        + commitRetryDelay
        + ")";
  }
}

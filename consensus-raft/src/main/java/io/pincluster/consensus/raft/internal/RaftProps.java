package io.pincluster.consensus.raft.internal;

import io.pincluster.consensus.raft.RaftSettings;
import io.pincluster.core.config.RaftSection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Builds Ratis properties from {@link RaftSettings}. How each {@code consensus.raft} key maps:
 *
 * <table>
 * <caption>consensus.raft → Ratis</caption>
 * <tr><th>key</th><th>Ratis setting</th></tr>
 * <tr><td>election_timeout (E)</td><td>{@code raft.server.rpc.timeout.min} = E, {@code .max} =
 *     2E. Ratis leaders also send heartbeats every E/2.</td></tr>
 * <tr><td>heartbeat_timeout (H)</td><td>{@code raft.server.rpc.first-election.timeout.min} = H,
 *     {@code .max} = 2H: how long a starting follower waits for a leader before its first
 *     election. Ratis has no separate follower heartbeat timeout (followers use the election
 *     timeout).</td></tr>
 * <tr><td>network_timeout (N)</td><td>{@code raft.server.rpc.request.timeout} = N and the
 *     client's {@code raft.client.rpc.request.timeout} = N (one attempt of a write).</td></tr>
 * <tr><td>leader_lease_timeout (L)</td><td>{@code raft.server.read.leader.lease.timeout.ratio} =
 *     L / E (≤ 1, checked by the config). The lease itself stays disabled: it only serves
 *     linearizable reads, and pincluster reads its local state.</td></tr>
 * <tr><td>max_append_entries</td><td>{@code raft.server.log.appender.buffer.element-limit}.</td>
 *     </tr>
 * <tr><td>trailing_logs</td><td>{@code raft.server.log.purge.preservation.log.num}.</td></tr>
 * <tr><td>commit_timeout</td><td>not used: Ratis pushes a new commit index to followers as soon
 *     as it advances, so there is nothing to tune.</td></tr>
 * <tr><td>snapshot_threshold, snapshot_interval</td><td>not used yet: the state machine has no
 *     snapshots of its own, so {@code raft.server.snapshot.auto.trigger.enabled} and
 *     {@code trigger-when-stop.enabled} are off and the log is never purged.</td></tr>
 * <tr><td>wait_for_leader_timeout (W)</td><td>the client retry policy stops retrying a write that
 *     no leader took within W ({@link CommitRetryPolicy}).</td></tr>
 * <tr><td>commit_retries, commit_retry_delay</td><td>how often, and after what pause, the client
 *     re-sends a write whose attempt timed out or lost its connection; refusals (not leader) are
 *     re-sent every commit_retry_delay (at least {@value #MIN_LEADER_POLL_MILLIS} ms) until W.</td>
 *     </tr>
 * <tr><td>backups_rotate</td><td>not used here (state folder rotation).</td></tr>
 * </table>
 *
 * <p>Fixed settings: gRPC transport on one port; storage in {@code <data>/ratis} and removed groups
 * in {@code <data>/ratis/removed-groups} (the defaults are under /tmp); {@code
 * raft.server.log.purge.upto.snapshot.index=true}; snapshot chunks of 4 MB; appender retry policy
 * {@code 1ms,10, 500ms,100} (a restarted follower is contacted again within 0.5 s); {@code
 * raft.server.close.threshold} 15 s (a JVM pause longer than that closes the server); the retry
 * cache keeps replies at least as long as a client may retry; the client keeps at most {@value
 * #OUTSTANDING_REQUESTS_MAX} writes in flight.
 */
public final class RaftProps {
  public static final int OUTSTANDING_REQUESTS_MAX = 256;
  public static final long MIN_LEADER_POLL_MILLIS = 10;
  static final String APPENDER_RETRY_POLICY = "1ms,10, 500ms,100";

  private RaftProps() {}

  public static RaftProperties server(RaftSettings s) {
    RaftSection c = s.config();
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    GrpcConfigKeys.Server.setHost(p, s.bind().getHostString());
    GrpcConfigKeys.Server.setPort(p, s.bind().getPort());
    RaftServerConfigKeys.setStorageDir(p, List.of(s.ratisFolder().toFile()));
    RaftServerConfigKeys.setRemovedGroupsDir(p, s.ratisFolder().resolve("removed-groups").toFile());

    RaftServerConfigKeys.Rpc.setTimeoutMin(p, td(c.electionTimeout()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, td(c.electionTimeout().multipliedBy(2)));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, td(c.heartbeatTimeout()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
        p, td(c.heartbeatTimeout().multipliedBy(2)));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, td(c.networkTimeout()));
    RaftServerConfigKeys.Read.setLeaderLeaseTimeoutRatio(
        p, (double) c.leaderLeaseTimeout().toNanos() / c.electionTimeout().toNanos());
    RaftServerConfigKeys.Log.Appender.setBufferElementLimit(p, c.maxAppendEntries());
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, c.trailingLogs());

    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf("4MB"));
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false);
    RaftServerConfigKeys.setCloseThreshold(p, TimeDuration.valueOf(15, TimeUnit.SECONDS));
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, td(retryCacheExpiry(c)));
    return p;
  }

  public static RaftProperties client(RaftSettings s) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, td(s.config().networkTimeout()));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, OUTSTANDING_REQUESTS_MAX);
    return p;
  }

  /** How long the client may keep retrying one write (the retry policy's bound). */
  public static Duration clientRetryWindow(RaftSection c) {
    return c.waitForLeaderTimeout().plus(c.networkTimeout().multipliedBy(c.commitRetries() + 1L));
  }

  /** The pause between re-sends of a refused write. */
  public static Duration leaderPoll(RaftSection c) {
    return c.commitRetryDelay().compareTo(Duration.ofMillis(MIN_LEADER_POLL_MILLIS)) < 0
        ? Duration.ofMillis(MIN_LEADER_POLL_MILLIS)
        : c.commitRetryDelay();
  }

  private static Duration retryCacheExpiry(RaftSection c) {
    Duration window = clientRetryWindow(c).plusSeconds(10);
    return window.compareTo(Duration.ofSeconds(60)) < 0 ? Duration.ofSeconds(60) : window;
  }

  private static TimeDuration td(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}

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
 * Builds Ratis properties from {@link RaftSettings}. How each {@code consensus.raft} key maps (this
 * table is the source of {@code docs/configuration.md}):
 *
 * <table>
 * <caption>consensus.raft → Ratis 3.2</caption>
 * <tr><th>key</th><th>effect</th></tr>
 * <tr><td>wait_for_leader_timeout (W)</td><td>A write (or a peer add/remove) that no leader
 *     accepts keeps being retried for W, then fails with "no leader" (HTTP 503). Client retry
 *     policy ({@link CommitRetryPolicy}); refusals (not leader, leader not ready, connection
 *     refused) are retried every {@value #MAX_LEADER_POLL_MILLIS} ms, or every commit_retry_delay
 *     when that is shorter (at least {@value #MIN_LEADER_POLL_MILLIS} ms).</td></tr>
 * <tr><td>election_timeout (E)</td><td>{@code raft.server.rpc.timeout.min} = E and {@code .max} =
 *     2E (a follower that hears nothing from the leader for a random time in [E, 2E] starts an
 *     election); {@code raft.server.rpc.first-election.timeout.min/max} = E / 2E.</td></tr>
 * <tr><td>heartbeat_timeout (H)</td><td>How often the leader heartbeats an idle follower: after
 *     H/2 without a reply from it, at most once per H/4. Ratis has no setting for this (it always
 *     uses E/2 and E/4); pincluster plugs its own gRPC log appender in through {@code
 *     raft.rpc.type} ({@link HeartbeatGrpc}). Must be &le; E, checked at start, so a follower
 *     hears at least twice within the shortest election timeout.</td></tr>
 * <tr><td>network_timeout (N)</td><td>{@code raft.server.rpc.request.timeout} = N (one RPC between
 *     servers) and the client's {@code raft.client.rpc.request.timeout} = N (one attempt of a
 *     write); also how long a committed write waits to be applied on the peer that sent it.</td>
 *     </tr>
 * <tr><td>commit_retries (R), commit_retry_delay (D)</td><td>A write attempt that timed out or
 *     lost its connection after sending may have been committed; it is re-sent at most R times,
 *     D apart (the leader's retry cache answers a duplicate with the first reply). After that the
 *     caller gets an "indeterminate" error.</td></tr>
 * <tr><td>commit_timeout (C)</td><td>Group commit: the longest concurrent writes wait on a peer to
 *     be batched into one Raft entry while other entries are in flight. A write arriving at an
 *     idle peer is sent at once.</td></tr>
 * <tr><td>max_append_entries</td><td>{@code raft.server.log.appender.buffer.element-limit}: log
 *     entries per AppendEntries RPC.</td></tr>
 * <tr><td>trailing_logs</td><td>{@code raft.server.log.purge.preservation.log.num}: log entries
 *     kept behind a snapshot when the log is purged (purging is up to the snapshot index, {@code
 *     raft.server.log.purge.upto.snapshot.index=true}, in whole segments of {@value
 *     #SEGMENT_SIZE}).</td></tr>
 * <tr><td>snapshot_threshold</td><td>{@code raft.server.snapshot.auto.trigger.threshold}: a
 *     snapshot every that many applied log entries.</td></tr>
 * <tr><td>snapshot_interval</td><td>A timer (thread {@code raft-timer-<peer>}) takes a snapshot at
 *     this period when anything was applied since the last one.</td></tr>
 * <tr><td>leader_lease_timeout (L)</td><td>{@code raft.server.read.leader.lease.enabled=true} with
 *     {@code .timeout.ratio} = L / E: linearizable reads ({@code RaftConsensus.sync()}, {@code
 *     awaitCaughtUp}) are answered by a leader holding a lease without a heartbeat round. Reads of
 *     the local state are not affected.</td></tr>
 * <tr><td>backups_rotate</td><td>Not used by consensus (the daemon's state folder rotation).</td>
 *     </tr>
 * </table>
 *
 * <p>Fixed settings: gRPC transport on one port, mutual TLS (not a property: {@code
 * ClusterTls.Credentials.ratisParameters()} goes to every server and client builder); storage in
 * {@code <data>/ratis} and removed groups in {@code <data>/ratis/removed-groups} (the defaults are
 * under /tmp); snapshots on clean shutdown, {@value #SNAPSHOTS_KEPT} kept; snapshot chunks of 4 MB;
 * log segments of {@value #SEGMENT_SIZE}; appender retry policy {@code 1ms,10, 500ms,100} (a
 * restarted follower is contacted again within 0.5 s); {@code raft.server.close.threshold} 15 s;
 * read option LINEARIZABLE (only affects {@code sync()}); the retry cache keeps replies at least as
 * long as a client may retry; the client keeps at most {@value #OUTSTANDING_REQUESTS_MAX} writes in
 * flight.
 */
public final class RaftProps {
  public static final int OUTSTANDING_REQUESTS_MAX = 256;
  public static final long MIN_LEADER_POLL_MILLIS = 10;

  /**
   * The longest pause between re-sends of a refused write. Not commit_retry_delay: in IPFS Cluster
   * that key only spaces commit retries, and waiting for a leader is a separate poll of the local
   * Raft's leader. Here every refused attempt tells the client where to go next, and during a
   * failover the client hops between the dead leader (connection refused), followers that have not
   * yet noticed (not leader) and the new leader before its first entry commits (not ready), each
   * hop waiting this long. Measured (bench figure 6, 2 CPUs): from the new leader's election to the
   * next committed write took a median 630 ms with 200 ms pauses, 430 ms with 50 ms (bare Ratis 150
   * ms). A refused attempt is one small RPC, so 50 ms costs nothing noticeable.
   */
  public static final long MAX_LEADER_POLL_MILLIS = 50;

  static final String APPENDER_RETRY_POLICY = "1ms,10, 500ms,100";
  static final String SEGMENT_SIZE = "8MB";
  public static final int SNAPSHOTS_KEPT = 2;

  private RaftProps() {}

  public static RaftProperties server(RaftSettings s) {
    RaftSection c = s.config();
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, new HeartbeatGrpc());
    p.set(HeartbeatGrpc.HEARTBEAT_MILLIS_KEY, Long.toString(c.heartbeatTimeout().toMillis()));
    GrpcConfigKeys.Server.setHost(p, s.bind().getHostString());
    GrpcConfigKeys.Server.setPort(p, s.bind().getPort());
    RaftServerConfigKeys.setStorageDir(p, List.of(s.ratisFolder().toFile()));
    RaftServerConfigKeys.setRemovedGroupsDir(p, s.ratisFolder().resolve("removed-groups").toFile());

    RaftServerConfigKeys.Rpc.setTimeoutMin(p, td(c.electionTimeout()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, td(c.electionTimeout().multipliedBy(2)));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, td(c.electionTimeout()));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, td(c.electionTimeout().multipliedBy(2)));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, td(c.networkTimeout()));
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
    RaftServerConfigKeys.Read.setLeaderLeaseTimeoutRatio(
        p, (double) c.leaderLeaseTimeout().toNanos() / c.electionTimeout().toNanos());
    RaftServerConfigKeys.Log.Appender.setBufferElementLimit(p, c.maxAppendEntries());
    RaftServerConfigKeys.Log.setPurgePreservationLogNum(p, c.trailingLogs());

    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, 1);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(SEGMENT_SIZE));
    RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(p, SizeInBytes.valueOf("4MB"));
    RaftServerConfigKeys.setStagingTimeout(p, td(stagingTimeout(c)));
    // Ratis gives each snapshot chunk 8 times this to be acknowledged (default 3 s).
    GrpcConfigKeys.Server.setInstallSnapshotRequestTimeout(p, td(c.networkTimeout()));
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotThreshold());
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOTS_KEPT);
    RaftServerConfigKeys.setCloseThreshold(p, TimeDuration.valueOf(15, TimeUnit.SECONDS));
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, td(retryCacheExpiry(c)));
    return p;
  }

  /**
   * How long the leader keeps a peer being added (staged) while it does not answer: three times
   * {@code network_timeout}, at least Ratis' default (three times the longest election timeout).
   * Ratis' default alone (6 s with the default timeouts) fails a join whenever the new peer's disk
   * stalls that long while it writes a multi-GB snapshot; and the join is then cancelled.
   */
  public static Duration stagingTimeout(RaftSection c) {
    Duration ratisDefault = c.electionTimeout().multipliedBy(2 * 3);
    Duration network = c.networkTimeout().multipliedBy(3);
    return network.compareTo(ratisDefault) > 0 ? network : ratisDefault;
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

  /**
   * The pause between re-sends of a refused write: commit_retry_delay, within [{@value
   * #MIN_LEADER_POLL_MILLIS}, {@value #MAX_LEADER_POLL_MILLIS}] ms.
   */
  public static Duration leaderPoll(RaftSection c) {
    long millis =
        Math.max(
            MIN_LEADER_POLL_MILLIS,
            Math.min(MAX_LEADER_POLL_MILLIS, c.commitRetryDelay().toMillis()));
    return Duration.ofMillis(millis);
  }

  private static Duration retryCacheExpiry(RaftSection c) {
    Duration window = clientRetryWindow(c).plusSeconds(10);
    return window.compareTo(Duration.ofSeconds(60)) < 0 ? Duration.ofSeconds(60) : window;
  }

  private static TimeDuration td(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}

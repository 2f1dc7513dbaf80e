package io.pincluster.consensus.raft.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.grpc.server.GrpcLogAppender;
import org.apache.ratis.proto.RaftProtos.InstallSnapshotRequestProto;
import org.apache.ratis.rpc.RpcFactory;
import org.apache.ratis.rpc.RpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.leader.FollowerInfo;
import org.apache.ratis.server.leader.LeaderState;
import org.apache.ratis.server.leader.LogAppender;
import org.apache.ratis.statemachine.SnapshotInfo;

/**
 * Ratis' gRPC transport with two changes. Snapshot chunks are sent from memory-mapped files ({@link
 * OffHeapSnapshotChunks}). And the leader heartbeats idle followers on {@code
 * consensus.raft.heartbeat_timeout} instead of on half the election timeout.
 *
 * <p>Why the heartbeats: Ratis 3.2 has no setting for the heartbeat period. {@code LogAppender
 * .getHeartbeatWaitTimeMs()} hard-wires it to {@code raft.server.rpc.timeout.min / 2} since the
 * last reply from the follower (and at most every {@code min / 4}). The only way in is the appender
 * itself, which the RPC factory creates; a user-defined {@link RpcType} (Ratis loads it by class
 * name from {@code raft.rpc.type}) returns a {@link GrpcFactory} whose appenders apply the same
 * rule with the configured heartbeat timeout H in place of the election timeout: a heartbeat after
 * H/2 of silence, at most one per H/4. With H = election_timeout (the default) this is exactly
 * Ratis' own behaviour. Everything else (transport, TLS, ports) is stock gRPC.
 *
 * <p>H is read from {@value #HEARTBEAT_MILLIS_KEY} in the server properties.
 */
public final class HeartbeatGrpc implements RpcType {
  /** Server property holding heartbeat_timeout in milliseconds. */
  public static final String HEARTBEAT_MILLIS_KEY = "pincluster.raft.heartbeat-timeout.ms";

  /** Ratis instantiates this by reflection from the {@code raft.rpc.type} property. */
  public HeartbeatGrpc() {}

  @Override
  public String name() {
    return HeartbeatGrpc.class.getName();
  }

  @Override
  public RpcFactory newFactory(Parameters parameters) {
    return new Factory(parameters);
  }

  /** Stock gRPC, with {@link Appender}s. */
  static final class Factory extends GrpcFactory {
    Factory(Parameters parameters) {
      super(parameters);
    }

    @Override
    public LogAppender newLogAppender(
        RaftServer.Division server, LeaderState state, FollowerInfo follower) {
      return new Appender(server, state, follower, heartbeatMillis(server));
    }

    private static long heartbeatMillis(RaftServer.Division server) {
      RaftProperties p = server.getRaftServer().getProperties();
      String value = p.get(HEARTBEAT_MILLIS_KEY);
      return value == null
          ? server.properties().minRpcTimeoutMs()
          : Math.max(2, Long.parseLong(value.trim()));
    }
  }

  /** A gRPC appender whose idle heartbeats follow heartbeat_timeout. */
  static final class Appender extends GrpcLogAppender {
    private final long heartbeatMillis;
    private final AtomicBoolean triggered = new AtomicBoolean();

    Appender(RaftServer.Division server, LeaderState state, FollowerInfo f, long heartbeatMillis) {
      super(server, state, f);
      this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public void triggerHeartbeat() {
      triggered.set(true);
      super.triggerHeartbeat();
    }

    @Override
    protected void resetHeartbeatTrigger() {
      triggered.set(false);
      super.resetHeartbeatTrigger();
    }

    /** Ratis' requests with their data mapped from the files, see {@link OffHeapSnapshotChunks}. */
    @Override
    public Iterable<InstallSnapshotRequestProto> newInstallSnapshotRequests(
        String requestId, SnapshotInfo snapshot) {
      return new OffHeapSnapshotChunks(
          super.newInstallSnapshotRequests(requestId, snapshot), snapshot);
    }

    @Override
    public long getHeartbeatWaitTimeMs() {
      return waitMillis(
          heartbeatMillis,
          getFollower().getLastRpcResponseTime().elapsedTimeMs(),
          getFollower().getLastHeartbeatSendTime().elapsedTimeMs(),
          triggered.get());
    }
  }

  /**
   * How long until the next heartbeat is due (&le; 0: now): after H/2 without a reply from the
   * follower, but not sooner than H/4 after the previous heartbeat; at once when triggered.
   */
  static long waitMillis(
      long heartbeatMillis, long sinceReplyMillis, long sinceHeartbeatMillis, boolean triggered) {
    if (triggered) {
      return 0;
    }
    long untilDue = heartbeatMillis / 2 - sinceReplyMillis;
    long untilAllowed = heartbeatMillis / 4 - sinceHeartbeatMillis;
    return Math.max(untilDue, untilAllowed);
  }
}

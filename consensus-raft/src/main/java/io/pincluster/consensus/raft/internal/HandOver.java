package io.pincluster.consensus.raft.internal;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Whom a stopping leader may hand leadership to: only followers that answered it recently. Ratis
 * reports a transfer to a follower that is already gone (a whole cluster stopping) only when the
 * transfer times out, so asking one costs the whole wait. A live follower answers the leader's
 * heartbeats, sent after half a {@code heartbeat_timeout} of silence (which is at most the election
 * timeout), so one that did not answer within the election timeout is gone or stalled; with no such
 * follower the leader stops without a hand-over and the others elect one.
 */
public final class HandOver {
  private HandOver() {}

  /**
   * The followers this leader heard from within {@code within}, from its role info; empty when the
   * info is not a leader's.
   */
  public static Set<RaftPeerId> answeredWithin(RoleInfoProto role, Duration within) {
    if (!role.hasLeaderInfo()) {
      return Set.of();
    }
    return role.getLeaderInfo().getFollowerInfoList().stream()
        .filter(f -> f.getLastRpcElapsedTimeMs() <= within.toMillis())
        .map(ServerRpcProto::getId)
        .map(p -> RaftPeerId.valueOf(p.getId()))
        .collect(Collectors.toUnmodifiableSet());
  }
}

package io.pincluster.bench;

import io.pincluster.consensus.raft.ClusterTls;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;

/**
 * Asks one Raft server (a pincluster peer's Raft port) whether it leads its only group. The Raft
 * port only admits mutual TLS with credentials of the cluster's secret ({@link ClusterTls}).
 */
final class RaftRole {
  private RaftRole() {}

  /** True when the server answers that it is LEADER; false when not, or when it cannot be asked. */
  static boolean isLeader(ClusterTls.Credentials tls, String raftPeerId, String hostPort) {
    RaftPeer peer = RaftPeer.newBuilder().setId(raftPeerId).setAddress(hostPort).build();
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    try (RaftClient c =
        RaftClient.newBuilder()
            .setProperties(p)
            .setParameters(tls.ratisParameters())
            .setRaftGroup(RaftGroup.valueOf(RaftGroupId.randomId(), peer))
            .setRetryPolicy(RetryPolicies.noRetry())
            .build()) {
      List<RaftGroupId> groups = c.getGroupManagementApi(peer.getId()).list().getGroupIds();
      for (RaftGroupId g : groups) {
        GroupInfoReply info = c.getGroupManagementApi(peer.getId()).info(g);
        if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}

package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.ratis.proto.RaftProtos.FollowerInfoProto;
import org.apache.ratis.proto.RaftProtos.LeaderInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

class HandOverTest {
  static final RaftPeerId A = RaftPeerId.valueOf("a");
  static final RaftPeerId B = RaftPeerId.valueOf("b");
  static final RaftPeerId C = RaftPeerId.valueOf("c");

  static ServerRpcProto follower(RaftPeerId id, long elapsedMs) {
    return ServerRpcProto.newBuilder()
        .setId(RaftPeerProto.newBuilder().setId(id.toByteString()))
        .setLastRpcElapsedTimeMs(elapsedMs)
        .build();
  }

  @Test
  void aLeaderMayHandOverOnlyToFollowersThatAnsweredWithinTheGivenTime() {
    RoleInfoProto leader =
        RoleInfoProto.newBuilder()
            .setRole(RaftPeerRole.LEADER)
            .setLeaderInfo(
                LeaderInfoProto.newBuilder()
                    .addFollowerInfo(follower(A, 120))
                    .addFollowerInfo(follower(B, 4_000))
                    .addFollowerInfo(follower(C, 1_000)))
            .build();

    assertThat(HandOver.answeredWithin(leader, Duration.ofSeconds(1))).containsOnly(A, C);
    assertThat(HandOver.answeredWithin(leader, Duration.ofMillis(100))).isEmpty();
  }

  @Test
  void aPeerThatDoesNotLeadKnowsNoFollowerToHandOverTo() {
    RoleInfoProto follower =
        RoleInfoProto.newBuilder()
            .setRole(RaftPeerRole.FOLLOWER)
            .setFollowerInfo(FollowerInfoProto.newBuilder().setLeaderInfo(follower(A, 10)))
            .build();

    assertThat(HandOver.answeredWithin(follower, Duration.ofSeconds(1))).isEmpty();
  }
}

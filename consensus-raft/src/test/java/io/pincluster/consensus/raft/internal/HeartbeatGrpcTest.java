package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ratis.rpc.RpcType;
import org.junit.jupiter.api.Test;

class HeartbeatGrpcTest {
  @Test
  void anIdleFollowerGetsAHeartbeatAfterHalfTheHeartbeatTimeoutWithoutAReply() {
    // H = 400 ms: due 200 ms after the last reply, but not within 100 ms of the last heartbeat
    assertThat(HeartbeatGrpc.waitMillis(400, 0, 0, false)).isEqualTo(200);
    assertThat(HeartbeatGrpc.waitMillis(400, 150, 150, false)).isEqualTo(50);
    assertThat(HeartbeatGrpc.waitMillis(400, 250, 250, false)).isLessThanOrEqualTo(0);
    assertThat(HeartbeatGrpc.waitMillis(400, 250, 50, false)).isEqualTo(50);
    assertThat(HeartbeatGrpc.waitMillis(400, 0, 0, true)).isZero();
  }

  @Test
  void ratisLoadsItByClassName() {
    RpcType type = RpcType.valueOf(HeartbeatGrpc.class.getName());

    assertThat(type).isInstanceOf(HeartbeatGrpc.class);
    assertThat(type.newFactory(new org.apache.ratis.conf.Parameters()))
        .isInstanceOf(org.apache.ratis.grpc.GrpcFactory.class);
  }
}

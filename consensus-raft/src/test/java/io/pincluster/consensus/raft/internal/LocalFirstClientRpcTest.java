package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.junit.jupiter.api.Test;

/**
 * The transport's handling of replies from another server (over the remote transport); the
 * in-process path runs against real servers in {@code InProcessWritesTest}.
 */
class LocalFirstClientRpcTest {
  private static final RaftPeerId SELF = RaftPeerId.valueOf("self");
  private static final RaftPeerId OTHER = RaftPeerId.valueOf("other");
  private final AtomicReference<RaftClientReply> next = new AtomicReference<>();
  private final RaftClientRpc remote =
      new RaftClientRpc() {
        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
          return CompletableFuture.completedFuture(next.get());
        }

        @Override
        public RaftClientReply sendRequest(RaftClientRequest request) {
          return next.get();
        }

        @Override
        public void addRaftPeers(Collection<RaftPeer> peers) {}

        @Override
        public void close() {}
      };
  private final LocalFirstClientRpc rpc =
      new LocalFirstClientRpc(
          remote, null, SELF, Duration.ofSeconds(1), Runnable::run, new LongAdder());

  private static RaftClientRequest writeTo(RaftPeerId server) {
    return RaftClientRequest.newBuilder()
        .setClientId(ClientId.randomId())
        .setServerId(server)
        .setGroupId(RaftGroupId.randomId())
        .setCallId(1)
        .setMessage(Message.valueOf("x"))
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  private static RaftClientReply reply(RaftException e) {
    RaftClientReply.Builder b =
        RaftClientReply.newBuilder()
            .setClientId(ClientId.randomId())
            .setServerId(OTHER)
            .setGroupId(RaftGroupId.randomId())
            .setCallId(1);
    return e == null ? b.setSuccess().build() : b.setException(e).build();
  }

  @Test
  void aLeaderSteppingDownFailsTheAttemptSoTheClientRetries() {
    next.set(reply(new LeaderSteppingDownException("other is stepping down")));
    CompletableFuture<RaftClientReply> f = rpc.sendRequestAsync(writeTo(OTHER));
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(LeaderSteppingDownException.class);
  }

  @Test
  void otherRepliesReachTheClientAsTheyAre() {
    RaftClientReply ok = reply(null);
    next.set(ok);
    assertThat(rpc.sendRequestAsync(writeTo(OTHER)).join()).isSameAs(ok);
    RaftClientReply rejected = reply(new StateMachineException("bad entry"));
    next.set(rejected);
    assertThat(rpc.sendRequestAsync(writeTo(OTHER)).join()).isSameAs(rejected);
  }

  @Test
  void blockingCallsGoToTheRemoteTransport() throws IOException {
    RaftClientReply ok = reply(null);
    next.set(ok);
    assertThat(rpc.sendRequest(writeTo(SELF))).isSameAs(ok);
  }
}

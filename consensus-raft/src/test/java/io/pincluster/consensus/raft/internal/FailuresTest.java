package io.pincluster.consensus.raft.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.IndeterminateCommitException;
import io.pincluster.core.NoLeaderException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  static final Duration WAIT = Duration.ofSeconds(15);
  static final NotLeaderException NOT_LEADER =
      new NotLeaderException(
          RaftGroupMemberId.valueOf(RaftPeerId.valueOf("a"), RaftGroupId.randomId()),
          null,
          java.util.List.of());

  @Test
  void refusalsAreNotAmbiguous() {
    assertThat(Failures.isAmbiguous(NOT_LEADER)).isFalse();
    assertThat(
            Failures.isAmbiguous(
                new LeaderNotReadyException(
                    RaftGroupMemberId.valueOf(RaftPeerId.valueOf("a"), RaftGroupId.randomId()))))
        .isFalse();
    assertThat(Failures.isAmbiguous(new IOException(new ConnectException("Connection refused"))))
        .isFalse();
    assertThat(Failures.isAmbiguous(new AlreadyClosedException("client-1->a is closed.")))
        .isFalse();
  }

  @Test
  void aFailedTlsHandshakeIsARefusalWithAHintAtTheSecret() {
    IOException tls =
        new IOException(
            "UNAVAILABLE: io exception",
            new javax.net.ssl.SSLHandshakeException("PKIX path validation failed"));

    assertThat(Failures.isAmbiguous(tls)).isFalse();
    assertThat(Failures.toClusterException(tls, false, java.time.Duration.ofSeconds(2)))
        .isInstanceOf(NoLeaderException.class)
        .hasMessageContaining(Failures.TLS_HINT);
    assertThat(Failures.isAmbiguous(new IOException(new javax.net.ssl.SSLException("bad record"))))
        .isTrue();
  }

  @Test
  void timeoutsAndBrokenConnectionsAreAmbiguous() {
    assertThat(Failures.isAmbiguous(new TimeoutIOException("request #3 timeout 3s"))).isTrue();
    assertThat(
            Failures.isAmbiguous(
                new AlreadyClosedException("x: Stream onError: no reply for async request cid=3")))
        .isTrue();
    assertThat(Failures.isAmbiguous(new IOException("UNAVAILABLE: connection reset"))).isTrue();
  }

  @Test
  void aRefusedWriteIsNoLeaderWithTheWaitInTheMessage() {
    var e = Failures.toClusterException(new CompletionException(NOT_LEADER), false, WAIT);

    assertThat(e)
        .isInstanceOf(NoLeaderException.class)
        .hasMessageStartingWith("no leader: timed out after 15s waiting for a Raft leader");
  }

  @Test
  void aWriteThatMayHaveReachedALeaderIsIndeterminate() {
    assertThat(Failures.toClusterException(NOT_LEADER, true, WAIT))
        .isInstanceOf(IndeterminateCommitException.class);
    assertThat(Failures.toClusterException(new TimeoutIOException("t"), false, WAIT))
        .isInstanceOf(IndeterminateCommitException.class)
        .hasMessageContaining("retrying is safe");
  }
}

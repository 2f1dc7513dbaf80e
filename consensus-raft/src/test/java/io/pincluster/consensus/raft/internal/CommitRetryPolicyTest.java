package io.pincluster.consensus.raft.internal;

import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.state.rocksdb.StateOp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.retry.ClientRetryEvent;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.Timestamp;
import org.junit.jupiter.api.Test;

class CommitRetryPolicyTest {
  final AtomicLong nanos = new AtomicLong();
  final CommitRetryPolicy policy =
      new CommitRetryPolicy(
          Duration.ofSeconds(15), Duration.ofMillis(100), 1, Duration.ofMillis(200), nanos::get);
  static final NotLeaderException NOT_LEADER =
      new NotLeaderException(
          RaftGroupMemberId.valueOf(RaftPeerId.valueOf("a"), RaftGroupId.randomId()),
          null,
          List.of());

  static RaftClientRequest write(long requestId) {
    byte[] entry = EntryCodec.encodeEntry(requestId, List.of(new StateOp.PutPin(pin(1))));
    return RaftClientRequest.newBuilder()
        .setClientId(ClientId.randomId())
        .setServerId(RaftPeerId.valueOf("a"))
        .setGroupId(RaftGroupId.randomId())
        .setCallId(1)
        .setMessage(Message.valueOf(ByteString.copyFrom(entry)))
        .setType(RaftClientRequest.writeRequestType())
        .build();
  }

  RetryPolicy.Action fail(long requestId, int attempt, Throwable cause) {
    return policy.handleAttemptFailure(
        new ClientRetryEvent(attempt, write(requestId), 1, cause, Timestamp.currentTime()));
  }

  @Test
  void refusalsAreRetriedEveryPollUntilTheWaitForLeaderHasPassed() {
    CommitRetryPolicy.Tracked t = policy.track(7);

    RetryPolicy.Action early = fail(7, 1, NOT_LEADER);
    nanos.addAndGet(Duration.ofSeconds(15).toNanos());
    RetryPolicy.Action late = fail(7, 50, NOT_LEADER);

    assertThat(early.shouldRetry()).isTrue();
    assertThat(early.getSleepTime().toLong(TimeUnit.MILLISECONDS)).isEqualTo(100);
    assertThat(late.shouldRetry()).isFalse();
    assertThat(t.possiblyAccepted()).isFalse();
  }

  @Test
  void anAttemptNotSentOnAClosedStreamIsRetriedAtOnceAFewTimesThenEveryPoll() {
    CommitRetryPolicy.Tracked t = policy.track(9);
    AlreadyClosedException closed = new AlreadyClosedException("client-1->b is closed.");

    List<Long> sleeps = new java.util.ArrayList<>();
    for (int attempt = 1; attempt <= CommitRetryPolicy.MAX_IMMEDIATE_RETRIES + 1; attempt++) {
      RetryPolicy.Action a = fail(9, attempt, closed);
      assertThat(a.shouldRetry()).isTrue();
      sleeps.add(a.getSleepTime().toLong(TimeUnit.MILLISECONDS));
    }

    assertThat(sleeps).containsExactly(0L, 0L, 0L, 100L);
    assertThat(t.possiblyAccepted()).isFalse();
  }

  @Test
  void aRequestThatGotNoReplyOnABrokenStreamIsAmbiguousNotRetriedAtOnce() {
    CommitRetryPolicy.Tracked t = policy.track(10);

    RetryPolicy.Action a =
        fail(
            10,
            1,
            new AlreadyClosedException(
                "client-1->b: Stream onError: no reply for async request cid=5"));

    assertThat(a.getSleepTime().toLong(TimeUnit.MILLISECONDS)).isEqualTo(200);
    assertThat(t.possiblyAccepted()).isTrue();
  }

  @Test
  void ambiguousFailuresAreRetriedCommitRetriesTimesAndMarkTheWrite() {
    CommitRetryPolicy.Tracked t = policy.track(8);

    RetryPolicy.Action first = fail(8, 1, new TimeoutIOException("timeout"));
    RetryPolicy.Action second = fail(8, 2, new TimeoutIOException("timeout"));

    assertThat(first.shouldRetry()).isTrue();
    assertThat(first.getSleepTime().toLong(TimeUnit.MILLISECONDS)).isEqualTo(200);
    assertThat(second.shouldRetry()).isFalse();
    assertThat(t.possiblyAccepted()).isTrue();
  }

  @Test
  void requestsItDoesNotTrackAreRetriedForAsManyPollsAsFitInTheWaitForLeader() {
    // e.g. the watch a fresh client sends first: 15 s / 100 ms = 150 polls
    assertThat(fail(99, 1, NOT_LEADER).shouldRetry()).isTrue();
    assertThat(fail(99, 150, NOT_LEADER).shouldRetry()).isTrue();
    assertThat(fail(99, 151, NOT_LEADER).shouldRetry()).isFalse();
  }
}

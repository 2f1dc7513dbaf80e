package io.pincluster.consensus.raft.internal;

import io.pincluster.consensus.raft.RaftConsensus;
import io.pincluster.core.ClusterException;
import io.pincluster.core.NoLeaderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SnapshotManagementRequest;
import org.apache.ratis.server.RaftServer;

/**
 * Requests a peer makes to its own Raft server, in process (no client, no network): a linearizable
 * read and a snapshot. Thread-safe; non-blocking.
 */
public final class LocalRequests {
  private final RaftServer server;
  private final RaftPeerId self;
  private final Duration timeout;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();

  public LocalRequests(RaftServer server, RaftPeerId self, Duration timeout) {
    this.server = server;
    this.self = self;
    this.timeout = timeout;
  }

  /**
   * A Raft ReadIndex read: completes with this peer's applied index once it has applied what the
   * leader had committed at the time of the call ({@link PinStateMachine#query} answers).
   */
  public CompletableFuture<Long> readIndex() {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(clientId)
            .setServerId(self)
            .setGroupId(RaftConsensus.GROUP_ID)
            .setCallId(callIds.incrementAndGet())
            .setMessage(Message.EMPTY)
            .setType(RaftClientRequest.readRequestType())
            .build();
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.submitClientRequestAsync(request);
    } catch (IOException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.handle(
        (r, e) -> {
          Throwable err = e != null ? e : r.isSuccess() ? null : r.getException();
          if (err != null) {
            throw new NoLeaderException(
                "cannot confirm with a Raft leader what is committed: " + err.getMessage(), err);
          }
          return ByteBuffer.wrap(r.getMessage().getContent().toByteArray()).getLong();
        });
  }

  /**
   * Asks Ratis to take a snapshot now if at least one entry was applied since the last one;
   * completes with the latest snapshot's index.
   */
  public CompletableFuture<Long> snapshot() {
    SnapshotManagementRequest request =
        SnapshotManagementRequest.newCreate(
            clientId,
            self,
            RaftConsensus.GROUP_ID,
            callIds.incrementAndGet(),
            timeout.toMillis(),
            1);
    return server
        .snapshotManagementAsync(request)
        .thenApply(
            reply -> {
              if (!reply.isSuccess()) {
                throw new ClusterException(
                    "snapshot failed: "
                        + (reply.getException() == null ? "unknown" : reply.getException()));
              }
              return reply.getLogIndex();
            });
  }
}

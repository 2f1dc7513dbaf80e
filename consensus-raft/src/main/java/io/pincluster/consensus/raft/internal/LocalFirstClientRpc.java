package io.pincluster.consensus.raft.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.server.RaftServer;

/**
 * The transport of a peer's Raft write client: a write the client addresses to this peer's own
 * server (this peer is, or is thought to be, the leader) is handed to that server in process,
 * without the gRPC, TLS and protobuf round trip (about a quarter of a one-peer cluster's CPU, bench
 * figure 7); every other request goes over {@code remote} (gRPC).
 *
 * <p>The Ratis client above it is unchanged: it builds every request (client ID, call ID, sequence
 * number), picks the server, and retries with the same call ID, so the server's retry cache still
 * turns a retried write into the first one's reply, in process or not. A request in process is
 * bounded like a gRPC one: after {@code requestTimeout} it fails with a {@link TimeoutIOException}
 * (an ambiguous failure for {@link CommitRetryPolicy}). On both paths a reply that refuses the
 * write before it was appended fails the request ({@link #refusalAsFailure}), so the retry policy
 * sees it. Replies are delivered on {@code replies}, never on the server's own threads (the
 * client's follow-up work, such as sending the next request, must not run inside the server's apply
 * loop), as Ratis' gRPC service does.
 *
 * <p>Ordering: requests in process are submitted in the order the client sends them; the gRPC
 * service's per-stream reordering by sequence number is not needed because nothing reorders them in
 * between. The client starts a new sequence (and stream) whenever its leader changes, so the two
 * paths never share one. Thread-safe.
 */
public final class LocalFirstClientRpc implements RaftClientRpc {
  private final RaftClientRpc remote;
  private final RaftServer server;
  private final RaftPeerId self;
  private final Duration requestTimeout;
  private final Executor replies;
  private final LongAdder sentInProcess;

  /**
   * @param sentInProcess counts the requests handed to the server in process
   */
  public LocalFirstClientRpc(
      RaftClientRpc remote,
      RaftServer server,
      RaftPeerId self,
      Duration requestTimeout,
      Executor replies,
      LongAdder sentInProcess) {
    this.remote = remote;
    this.server = server;
    this.self = self;
    this.requestTimeout = requestTimeout;
    this.replies = replies;
    this.sentInProcess = sentInProcess;
  }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
    if (!inProcess(request)) {
      return remote.sendRequestAsync(request).thenApply(LocalFirstClientRpc::refusalAsFailure);
    }
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = server.submitClientRequestAsync(request);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    sentInProcess.increment();
    // a copy: the server keeps its future (in its retry cache too); it must never see our timeout
    return reply
        .copy()
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handleAsync(
            (r, e) -> {
              if (e == null) {
                return refusalAsFailure(r);
              }
              Throwable cause = Failures.unwrap(e);
              if (cause instanceof TimeoutException) {
                cause =
                    new TimeoutIOException(
                        "no reply from this peer's own Raft server within " + requestTimeout,
                        cause);
              }
              throw new CompletionException(cause);
            },
            replies);
  }

  @Override
  public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
    return remote.sendRequestAsyncUnordered(request);
  }

  @Override
  public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
    return remote.sendRequest(request);
  }

  @Override
  public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
    return remote.handleException(serverId, t, reconnect);
  }

  @Override
  public boolean shouldReconnect(Throwable e) {
    return remote.shouldReconnect(e);
  }

  @Override
  public void addRaftPeers(Collection<RaftPeer> peers) {
    remote.addRaftPeers(peers);
  }

  @Override
  public void close() throws IOException {
    remote.close();
  }

  /**
   * A reply refusing the request before the server appended it fails the request with its
   * exception, so that the client's retry policy sees it (and retries while a leader may come)
   * instead of the caller: not-leader and leader-not-ready, as Ratis' gRPC client does, and
   * leader-stepping-down (a leader handing leadership over refuses writes meanwhile), which Ratis'
   * clients hand to the caller as is.
   */
  private static RaftClientReply refusalAsFailure(RaftClientReply reply) {
    RaftException refusal = reply.getNotLeaderException();
    if (refusal == null) {
      refusal = reply.getLeaderNotReadyException();
    }
    if (refusal == null && reply.getException() instanceof LeaderSteppingDownException e) {
      refusal = e;
    }
    if (refusal != null) {
      throw new CompletionException(refusal);
    }
    return reply;
  }

  private boolean inProcess(RaftClientRequest request) {
    return self.equals(request.getServerId()) && request.is(TypeCase.WRITE);
  }
}
